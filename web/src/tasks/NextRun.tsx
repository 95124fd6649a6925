import type { TaskView } from "../api/views";
import { inZone, relative } from "../format";

/** NextRun says when a task looks again, in its own zone, and why then. */
export function NextRun({ task }: { task: TaskView }) {
  if (task.state === "paused") return <span className="muted">Paused: it will not run until resumed</span>;
  if (task.state === "completed") return <span className="muted">Done: it will not run again unless resumed</span>;
  if (!task.next_run_at) return <span className="muted">{task.next_run_reason?.summary ?? "Not scheduled"}</span>;
  return (
    <span className="next-run">
      <span>
        <time dateTime={task.next_run_at}>{relative(task.next_run_at)}</time>{" "}
        <span className="muted">({inZone(task.next_run_at, task.timezone)})</span>
      </span>
      {task.next_run_reason?.summary && <span className="reason muted">{task.next_run_reason.summary}</span>}
    </span>
  );
}
