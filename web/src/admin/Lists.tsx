// The platform's users, tasks and runs, newest first, each a paged table.
import { useState, type ReactNode } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { moneyExact } from "../format";
import { Field } from "../ui/Field";
import { Loading } from "../ui/State";
import { LoadMore, usePaged, type Page } from "../settings/paged";
import { Time } from "../settings/Time";
import { AdminError } from "./Forbidden";
import { TaskActions } from "./TaskActions";
import { UserActions } from "./UserActions";
import { useMe } from "../api/hooks";
import { TableWrap } from "../settings/TableWrap";

/** ShortID shows the start of a UUID, the whole of it on hover and to screen readers' copy. */
export function ShortID({ id }: { id: string | null | undefined }) {
  if (!id) return <span className="muted">–</span>;
  return (
    <code title={id} className="short-id">
      {id.slice(0, 8)}
    </code>
  );
}

const stateTone: Record<string, string> = { active: "ok", paused: "warn", completed: "", success: "ok", failed: "bad", retrying: "warn", running: "warn", pending: "", cancelled: "" };

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${stateTone[status] ?? ""}`}>{status}</span>;
}

function PagedTable<T>({
  queryKey,
  fetchPage,
  empty,
  caption,
  head,
  row,
}: {
  queryKey: unknown[];
  fetchPage: (cursor?: string) => Promise<Page<T>>;
  empty: string;
  caption: string;
  head: string[];
  row: (item: T) => ReactNode;
}) {
  const list = usePaged<T>(queryKey, fetchPage);
  if (list.isPending) return <Loading />;
  if (!list.data) return <AdminError error={list.error} retry={() => void list.refetch()} />;
  if (list.items.length === 0) return <p className="muted state">{empty}</p>;
  return (
    <>
      <TableWrap label={caption}>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{list.items.map(row)}</tbody>
        </table>
      </TableWrap>
      {list.isError && <AdminError error={list.error} />}
      <LoadMore {...list} />
    </>
  );
}

export function Users() {
  const [note, setNote] = useState("");
  const me = useMe();
  return (
    <>
      <p role="status" className="note">
        {note}
      </p>
    <PagedTable<Schemas["User"]>
      queryKey={["/api/v1/admin/users"]}
      fetchPage={(cursor) => unwrap(api.GET("/api/v1/admin/users", { params: { query: { cursor } } }))}
      empty="No users yet."
      caption="All users, newest first"
      head={["Email", "Name", "Role", "Status", "Joined", "ID", "Actions"]}
      row={(u) => (
        <tr key={u.id}>
          <td className="wrap">{u.email || <span className="muted">none</span>}</td>
          <td>{u.display_name || <span className="muted">–</span>}</td>
          <td>{u.role === "admin" ? <span className="badge warn">admin</span> : <span className="badge">user</span>}</td>
          <td>{u.deactivated_at ? <span className="badge bad">deactivated</span> : <span className="badge ok">active</span>}</td>
          <td>
            <Time iso={u.created_at} />
          </td>
          <td>
            <ShortID id={u.id} />
          </td>
          <td>
            <UserActions u={u} me={me.data?.id ?? ""} say={setNote} />
          </td>
        </tr>
      )}
    />
    </>
  );
}

/** AdminLog lists every admin action on an account, newest first, with who took it. */
export function AdminLog() {
  return (
    <PagedTable<Schemas["AdminAction"]>
      queryKey={["/api/v1/admin/actions"]}
      fetchPage={(cursor) => unwrap(api.GET("/api/v1/admin/actions", { params: { query: { cursor } } }))}
      empty="No admin actions yet."
      caption="Admin actions, newest first"
      head={["When", "Action", "By", "Account", "Paused tasks"]}
      row={(a) => (
        <tr key={a.id}>
          <td>
            <Time iso={a.created_at} />
          </td>
          <td>{a.action.replace("_", " ")}</td>
          <td className="wrap">{a.actor_email || (a.actor_id ? <ShortID id={a.actor_id} /> : <span className="muted">operator</span>)}</td>
          <td className="wrap">{a.target_email || (a.target_id ? <ShortID id={a.target_id} /> : <span className="muted">deleted account</span>)}</td>
          <td>{a.paused_tasks.length || <span className="muted">–</span>}</td>
        </tr>
      )}
    />
  );
}

export function Tasks() {
  const [note, setNote] = useState("");
  return (
    <>
      <p role="status" className="note">
        {note}
      </p>
      <PagedTable<Schemas["AdminTask"]>
      queryKey={["/api/v1/admin/tasks"]}
      fetchPage={(cursor) => unwrap(api.GET("/api/v1/admin/tasks", { params: { query: { cursor } } }))}
      empty="No tasks yet."
      caption="All tasks, newest first"
      head={["Name", "State", "Schedule", "Next run", "Last run", "Owner", "ID", "Actions"]}
      row={(t) => (
        <tr key={t.id}>
          <td>{t.name}</td>
          <td>
            <StatusBadge status={t.state} />
          </td>
          <td>
            {t.schedule ? <code>{t.schedule}</code> : <span className="muted">agent-paced</span>} <span className="muted small">{t.timezone}</span>
          </td>
          <td>
            <Time iso={t.next_run_at} empty="–" />
          </td>
          <td>
            <Time iso={t.last_run_at} />
          </td>
          <td>
            <ShortID id={t.user_id} />
          </td>
          <td>
            <ShortID id={t.id} />
          </td>
          <td>
            <TaskActions t={t} say={setNote} />
          </td>
        </tr>
      )}
      />
    </>
  );
}

type Run = Schemas["AdminExecution"];
const statuses = ["pending", "running", "success", "retrying", "failed", "cancelled"] as const;
type Status = (typeof statuses)[number];

function runRow(r: Run) {
  return (
    <tr key={r.id}>
      <td>
        <Time iso={r.created_at} />
      </td>
      <td>
        <StatusBadge status={r.status} />
      </td>
      <td>{r.trigger}</td>
      <td>
        <ShortID id={r.task_id} />
      </td>
      <td>
        <ShortID id={r.user_id} />
      </td>
      <td>{r.attempt}</td>
      <td>{moneyExact(r.usage.cost_usd)}</td>
      <td className="wrap">
        {r.error && (
          <div>
            {r.error_category && <span className="badge">{r.error_category}</span>} {r.error}
          </div>
        )}
        {r.internal_error && <div className="internal-error">{r.internal_error}</div>}
        {!r.error && !r.internal_error && <span className="muted">–</span>}
      </td>
    </tr>
  );
}

const runHead = ["Created", "Status", "Trigger", "Task", "Owner", "Attempt", "Cost", "Error"];

export function Runs() {
  const [status, setStatus] = useState<Status | "">("");
  return (
    <>
      <div className="filters">
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
              <option value="">Any status</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <PagedTable<Run>
        queryKey={["/api/v1/admin/executions", status]}
        fetchPage={(cursor) =>
          unwrap(api.GET("/api/v1/admin/executions", { params: { query: { cursor, status: status || undefined } } }))
        }
        empty={status ? `No ${status} runs.` : "No runs yet."}
        caption="All runs, newest first"
        head={runHead}
        row={runRow}
      />
    </>
  );
}

export function Errors() {
  return (
    <PagedTable<Run>
      queryKey={["/api/v1/admin/errors"]}
      fetchPage={(cursor) => unwrap(api.GET("/api/v1/admin/errors", { params: { query: { cursor } } }))}
      empty="No failed runs. Nothing to look into."
      caption="Failed runs, newest first"
      head={runHead}
      row={runRow}
    />
  );
}
