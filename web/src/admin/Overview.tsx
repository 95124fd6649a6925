// The platform's vital signs over the last 24 hours, and a reconcile pass on demand.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { duration, percent } from "../format";
import { Loading } from "../ui/State";
import { Time } from "../settings/Time";
import { AdminError } from "./Forbidden";

export function Overview() {
  const stats = useQuery({
    queryKey: ["/api/v1/admin/stats"],
    queryFn: () => unwrap(api.GET("/api/v1/admin/stats")),
    refetchInterval: 60_000,
  });
  return (
    <>
      <h2>Last 24 hours</h2>
      {stats.isPending ? (
        <Loading label="Loading statistics…" />
      ) : stats.isError ? (
        <AdminError error={stats.error} retry={() => void stats.refetch()} />
      ) : (
        <StatCards s={stats.data} />
      )}
      <Reconcile />
    </>
  );
}

function StatCards({ s }: { s: Schemas["Stats"] }) {
  const cards: { label: string; value: string; note?: string; tone?: string }[] = [
    { label: "Users", value: String(s.users) },
    { label: "Active tasks", value: String(s.active_tasks) },
    { label: "Finished runs", value: String(s.runs) },
    {
      label: "Failed runs",
      value: String(s.failed_runs),
      note: `${percent(s.failure_rate)} of runs`,
      tone: s.failed_runs > 0 ? "bad" : undefined,
    },
    { label: "Runs that notified", value: String(s.notified_runs), note: `${percent(s.notification_rate)} of runs` },
  ];
  return (
    <>
      <ul className="stat-cards">
        {cards.map((c) => (
          <li key={c.label} className={`card stat ${c.tone ?? ""}`}>
            <span className="stat-label">{c.label}</span>
            <span className="stat-value">{c.value}</span>
            {c.note && <span className="muted small">{c.note}</span>}
          </li>
        ))}
      </ul>
      <p className="muted small">
        Since <Time iso={s.since} />.
      </p>
    </>
  );
}

function Reconcile() {
  const qc = useQueryClient();
  const run = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/admin/reconcile")),
    // A pass can change any admin list (jobs, stuck runs, tasks' next runs).
    onSuccess: () => void qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith("/api/v1/admin/") }),
  });
  return (
    <section aria-labelledby="reconcile-h" className="reconcile">
      <h2 id="reconcile-h">Reconcile</h2>
      <p className="muted">
        Makes the world match the database now: scheduler jobs, runs stuck past their deadline, lost triggers and
        notifications that never went out. The same pass runs on a timer.
      </p>
      <button type="button" className="button primary" disabled={run.isPending} onClick={() => run.mutate()}>
        {run.isPending ? "Reconciling…" : "Run reconcile"}
      </button>
      <div role="status" aria-live="polite">
        {run.isError && <AdminError error={run.error} />}
        {run.data && <Report r={run.data} />}
      </div>
    </section>
  );
}

function Report({ r }: { r: Schemas["ReconcileReport"] }) {
  const ms = new Date(r.finished_at).getTime() - new Date(r.started_at).getTime();
  const rows: [string, number][] = [
    ["Stuck runs failed", r.runs_failed],
    ["Next runs repaired", r.next_runs_repaired],
    ["Runs re-triggered", r.runs_retriggered],
    ["Overdue tasks re-triggered", r.overdue_retriggered],
    ["Notifications republished", r.notifications_republished],
  ];
  if (r.jobs) {
    rows.push(
      ["Jobs checked", r.jobs.checked],
      ["Jobs created", r.jobs.created],
      ["Jobs updated", r.jobs.updated],
      ["Jobs paused", r.jobs.paused],
      ["Jobs resumed", r.jobs.resumed],
      ["Jobs deleted", r.jobs.deleted],
    );
  }
  return (
    <div className={`card report ${r.errors.length ? "bad" : ""}`}>
      <p>
        <strong>{r.errors.length ? `Reconcile finished with ${r.errors.length} failed ${r.errors.length === 1 ? "step" : "steps"}.` : "Reconcile finished."}</strong>{" "}
        <span className="muted">
          {r.mode} mode, {duration(ms)}.
        </span>
      </p>
      <dl className="report-counts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {r.errors.length > 0 && (
        <ul className="bad-text">
          {r.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
