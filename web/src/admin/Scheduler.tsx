// Per-task Cloud Scheduler jobs next to what the database says they should be. Drift is what a
// reconcile would repair, so those rows stand out; in sweep mode there are no per-task jobs.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { Loading } from "../ui/State";
import { Time } from "../settings/Time";
import { AdminError } from "./Forbidden";
import { ShortID, StatusBadge } from "./Lists";
import { TableWrap } from "../settings/TableWrap";

type JobState = Schemas["JobState"] | null;

function describe(s: JobState) {
  if (!s) return <span className="muted">none</span>;
  return (
    <>
      <code>{s.schedule}</code> <span className="muted small">{s.time_zone}</span> <span className="small">{s.state.toLowerCase()}</span>
    </>
  );
}

export function Scheduler() {
  const [onlyDrift, setOnlyDrift] = useState(false);
  const jobs = useQuery({
    queryKey: ["/api/v1/admin/scheduler/jobs", onlyDrift],
    queryFn: () => unwrap(api.GET("/api/v1/admin/scheduler/jobs", { params: { query: { drift: onlyDrift } } })),
  });
  if (jobs.isPending) return <Loading label="Loading scheduler jobs…" />;
  if (jobs.isError) return <AdminError error={jobs.error} retry={() => void jobs.refetch()} />;
  const d = jobs.data;
  if (d.mode === "sweep")
    return (
      <p className="state muted">
        This deployment runs in sweep mode: one timer finds due tasks, so there are no per-task Cloud Scheduler jobs to
        drift.
      </p>
    );
  return (
    <>
      <p>
        {d.drifted === 0 ? (
          <span className="badge ok">all jobs in step</span>
        ) : (
          <span className="badge bad">
            {d.drifted} {d.drifted === 1 ? "job" : "jobs"} out of step
          </span>
        )}{" "}
        <span className="muted small">Run reconcile (Overview) to repair drift.</span>
      </p>
      <label className="check">
        <input type="checkbox" checked={onlyDrift} onChange={(e) => setOnlyDrift(e.target.checked)} /> Only jobs out of step
      </label>
      {d.jobs.length === 0 ? (
        <p className="muted state">{onlyDrift ? "No job is out of step." : "No jobs."}</p>
      ) : (
        <TableWrap label="Scheduler jobs">
          <table>
            <caption className="visually-hidden">Scheduler jobs by name</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Task</th>
                <th scope="col">Next run</th>
                <th scope="col">Should be</th>
                <th scope="col">Is</th>
                <th scope="col">Drift</th>
              </tr>
            </thead>
            <tbody>
              {d.jobs.map((j) => (
                <tr key={j.job} className={j.drift.length ? "drift-row" : undefined}>
                  <td>
                    <code title={j.job}>{j.job.split("/").pop()}</code>
                  </td>
                  <td>
                    <ShortID id={j.task_id} /> {j.task_state && <StatusBadge status={j.task_state} />}
                  </td>
                  <td>
                    <Time iso={j.next_run_at} empty="–" />
                  </td>
                  <td>{describe(j.want)}</td>
                  <td>{describe(j.actual)}</td>
                  <td>
                    {j.drift.length === 0 ? (
                      <span className="badge ok">in step</span>
                    ) : (
                      j.drift.map((k) => (
                        <span key={k} className="badge bad">
                          {k.replace("_", " ")}
                        </span>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
