// The task list: every watch at a glance (state, last result, next run, this month's spend),
// filtered by state through the API's own filter, a page at a time.
import { Link, useSearchParams } from "react-router";
import type { TaskView } from "../api/views";
import { money } from "../format";
import { useTaskList, type TaskState } from "../tasks/api";
import { NextRun } from "../tasks/NextRun";
import { LastResult } from "../tasks/ResultSummary";
import { STATE_LABEL, STATE_TONE } from "../tasks/words";
import { Empty, ErrorState, Loading } from "../ui/State";
import "../tasks/tasks.css";

/** EXAMPLES are watches that show what Torale is for; each opens the form filled in. */
export const EXAMPLES = [
  "Tell me when Apple announces the next iPhone release date",
  "When does the Steam summer sale start?",
  "Notify me when the Python 3.15 release date is announced",
];

const FILTERS: { value: "" | TaskState; label: string }[] = [
  { value: "", label: "All" },
  { value: "active", label: "Active" },
  { value: "paused", label: "Paused" },
  { value: "completed", label: "Completed" },
];

export default function Tasks() {
  const [params, setParams] = useSearchParams();
  const raw = params.get("state");
  const state = FILTERS.some((f) => f.value && f.value === raw) ? (raw as TaskState) : undefined;
  const list = useTaskList(state);
  const tasks = list.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <section className="tasks-screen">
      <div className="screen-head">
        <h1>Tasks</h1>
        <Link to="/tasks/new" className="button primary">
          New task
        </Link>
      </div>
      <div className="field filter">
        <label htmlFor="state-filter">State</label>
        <select
          id="state-filter"
          value={state ?? ""}
          onChange={(e) => setParams(e.target.value ? { state: e.target.value } : {}, { replace: true })}
        >
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {list.isPending ? (
        <Loading label="Loading your tasks…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : tasks.length === 0 ? (
        state ? (
          <Empty title={`No ${STATE_LABEL[state].toLowerCase()} tasks`}>
            <p>
              <button type="button" className="button" onClick={() => setParams({}, { replace: true })}>
                Show all tasks
              </button>
            </p>
          </Empty>
        ) : (
          <Teach />
        )
      ) : (
        <>
          <ul className="task-list" aria-label={state ? `${STATE_LABEL[state]} tasks` : "Your tasks"}>
            {tasks.map((t) => (
              <TaskRow key={t.id} task={t} />
            ))}
          </ul>
          {list.hasNextPage && (
            <p className="more">
              <button type="button" className="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {list.isFetchingNextPage ? "Loading…" : "Show more tasks"}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function TaskRow({ task }: { task: TaskView }) {
  return (
    <li className="card task-row">
      <div className="task-row-head">
        <h2>
          <Link to={`/tasks/${task.id}`}>{task.name}</Link>
        </h2>
        <span className={`badge ${STATE_TONE[task.state]}`}>{STATE_LABEL[task.state]}</span>
      </div>
      {task.search_query !== task.name && <p className="muted task-query">{task.search_query}</p>}
      <dl className="facts">
        <div>
          <dt>Last result</dt>
          <dd>
            <LastResult run={task.last_execution} zone={task.timezone} />
          </dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>
            <NextRun task={task} />
          </dd>
        </div>
        <div>
          <dt>This month</dt>
          <dd>{money(task.month_spend_usd)}</dd>
        </div>
      </dl>
    </li>
  );
}

function Teach() {
  return (
    <Empty title="Nothing watched yet">
      <p>
        Tell Torale what you are waiting to hear about. It searches the web on a schedule, judges what it finds against
        your condition, and tells you (with sources) once it is true.
      </p>
      <p>Start from an example:</p>
      <ul className="examples">
        {EXAMPLES.map((q) => (
          <li key={q}>
            <Link className="button" to={`/tasks/new?q=${encodeURIComponent(q)}`}>
              {q}
            </Link>
          </li>
        ))}
      </ul>
    </Empty>
  );
}
