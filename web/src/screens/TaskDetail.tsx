// One task: what it found last, when it looks next and why, its runs, its notifications and
// what it costs; and the things to do with it (run now, pause or resume, edit, delete).
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { ApiError, friendly } from "../api/client";
import type { TaskView } from "../api/views";
import { inZone, money, relative } from "../format";
import { TASKS, unfinished, useExecutions, useRunNow, useTask, useTaskAction, useTaskNotifications, type Execution } from "../tasks/api";
import { cronWords } from "../tasks/cronWords";
import { OpenAlerts } from "../tasks/Alerts";
import { NextRun } from "../tasks/NextRun";
import { Evidence } from "../tasks/ResultSummary";
import { ShareCard } from "../sharing/ShareCard";
import { TaskForm } from "../tasks/TaskForm";
import { NotifiedItem, RunItem } from "../tasks/Timeline";
import { STATE_LABEL, STATE_TONE } from "../tasks/words";
import { Confirm } from "../ui/Confirm";
import { Empty, ErrorState, Loading } from "../ui/State";
import "../tasks/tasks.css";

const SpendChart = lazy(() => import("../tasks/SpendChart"));

export default function TaskDetail() {
  const { id = "" } = useParams();
  const task = useTask(id);
  if (task.isPending) return <Loading label="Loading the task…" />;
  if (task.isError) {
    if (task.error instanceof ApiError && (task.error.status === 404 || task.error.status === 400)) {
      return (
        <section className="state empty">
          <h1>Task not found</h1>
          <p>There is no task here. It may have been deleted, or the link may be mistyped.</p>
          <p>
            <Link to="/">Go to your tasks</Link>
          </p>
        </section>
      );
    }
    return <ErrorState error={task.error} retry={() => void task.refetch()} />;
  }
  return <Detail task={task.data} />;
}

function Detail({ task }: { task: TaskView }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const editing = params.has("edit");
  const runs = useExecutions(task.id, task);
  const notified = useTaskNotifications(task.id);
  const runNow = useRunNow(task.id);
  const action = useTaskAction(task.id);
  const [confirming, setConfirming] = useState(false);

  const allRuns = runs.data?.pages.flatMap((p) => p.data) ?? [];
  const running = allRuns.some(unfinished);
  // When a run finishes, the task (state, next run, spend) and its notifications change too:
  // fetch them again so they appear without a reload. This also catches a task shown from the
  // create response while its first run was already done.
  const newestFinished = allRuns.find((r) => !unfinished(r))?.id;
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!newestFinished || newestFinished === seen.current) return;
    const changed = seen.current !== undefined || newestFinished !== task.last_execution?.id;
    seen.current = newestFinished;
    if (!changed) return;
    void qc.invalidateQueries({ queryKey: [TASKS, task.id], exact: true });
    void qc.invalidateQueries({ queryKey: [TASKS, task.id, "notifications"] });
    void qc.invalidateQueries({ queryKey: [TASKS, "list"] });
    void qc.invalidateQueries({ queryKey: ["/api/v1/notifications"] });
  }, [newestFinished, task.last_execution?.id, task.id, qc]);

  const latest: Execution | null | undefined = allRuns.find((r) => r.status === "success" && r.result) ?? task.last_execution;
  const mutationError = runNow.error ?? action.error;

  if (editing) {
    return (
      <section>
        <p>
          <Link to={`/tasks/${task.id}`}>← Back to the task</Link>
        </p>
        <h1>{task.name}</h1>
        <h2>Edit task</h2>
        <TaskForm mode="edit" task={task} onSaved={() => setParams({})} onCancel={() => setParams({})} />
      </section>
    );
  }

  return (
    <section className="task-detail">
      <p>
        <Link to="/">← Tasks</Link>
      </p>
      <div className="screen-head">
        <h1>{task.name}</h1>
        <span className={`badge ${STATE_TONE[task.state]}`}>{STATE_LABEL[task.state]}</span>
      </div>
      <OpenAlerts alerts={task.open_alerts} />
      <div className="actions" role="group" aria-label="Task actions">
        <button type="button" className="button primary" disabled={runNow.isPending || running} onClick={() => runNow.mutate(false)}>
          Run now
        </button>
        {task.state === "active" ? (
          <button type="button" className="button" disabled={action.isPending} onClick={() => action.mutate("pause")}>
            Pause
          </button>
        ) : (
          <button type="button" className="button" disabled={action.isPending} onClick={() => action.mutate("resume")}>
            Resume
          </button>
        )}
        <button type="button" className="button" onClick={() => setParams({ edit: "1" })}>
          Edit
        </button>
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Delete
        </button>
        {running && (
          <span role="status" className="muted">
            <span className="spinner" aria-hidden="true" /> A run is in progress; its result appears here when it finishes.
          </span>
        )}
      </div>
      {mutationError &&
        (mutationError instanceof ApiError && mutationError.status === 409 && runNow.isError ? (
          <div className="notice bad" role="alert">
            <p>A run of this task is already in progress. Wait for it to finish, or cancel it and start a new one.</p>
            <button type="button" className="button" onClick={() => runNow.mutate(true)}>
              Cancel it and run again
            </button>
          </div>
        ) : (
          <p className="notice bad" role="alert">
            {friendly(mutationError)}
          </p>
        ))}
      {confirming && (
        <Confirm
          title="Delete this task?"
          body={`“${task.name}” stops running and is removed with its runs and notifications. This cannot be undone.`}
          confirmLabel="Delete task"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            action.mutate("delete", {
              onSuccess: () => navigate("/"),
              onSettled: () => setConfirming(false),
            })
          }
        />
      )}

      <div className="detail-grid">
        <section className="card" aria-labelledby="latest-title">
          <h2 id="latest-title">Latest result</h2>
          {latest?.result ? (
            <>
              <p className="muted">
                <time dateTime={latest.finished_at ?? undefined} title={inZone(latest.finished_at, task.timezone)}>
                  {relative(latest.finished_at)}
                </time>
                {" · "}
                {latest.result.notification ? "you were notified" : "Torale stayed silent"}
              </p>
              <Evidence result={latest.result} />
            </>
          ) : (
            <p className="muted">{running ? "The first run is under way…" : "No finished run yet. Run now to see what the agent finds."}</p>
          )}
        </section>
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">Next run</h2>
          <p>
            <NextRun task={task} />
          </p>
          <dl className="facts">
            <div>
              <dt>Looking for</dt>
              <dd>{task.search_query}</dd>
            </div>
            <div>
              <dt>Notify me when</dt>
              <dd>{task.condition_description}</dd>
            </div>
            {task.urls.length > 0 && (
              <div>
                <dt>Pages read</dt>
                <dd>{task.urls.join(", ")}</dd>
              </div>
            )}
            {task.context && (
              <div>
                <dt>Background</dt>
                <dd>{task.context}</dd>
              </div>
            )}
            <div>
              <dt>Schedule</dt>
              <dd>
                {cronWords(task.schedule)}
                {task.schedule && <span className="muted"> ({task.timezone})</span>}
              </dd>
            </div>
            <div>
              <dt>Notify</dt>
              <dd>{task.notify_behavior === "once" ? "Once, then stop" : "Every time it is met"}</dd>
            </div>
            <div>
              <dt>Send to</dt>
              <dd>
                {task.notifications.length === 0
                  ? "Nowhere: results are only shown here"
                  : task.notifications
                      .map((n) => (n.type === "email" ? n.address : n.type === "channel" ? (n.channel_id ? "A chat channel" : "My default channels") : (n.url ?? "My webhook")))
                      .join(", ")}
              </dd>
            </div>
            <div>
              <dt>This month</dt>
              <dd>
                {money(task.month_spend_usd)}
                {task.monthly_budget_usd != null && (
                  <span className="muted"> of a {money(task.monthly_budget_usd)} monthly budget</span>
                )}
              </dd>
            </div>
            {task.silence_summary.sentence && (
              <div>
                <dt>Recent runs</dt>
                <dd>
                  {task.silence_summary.sentence}
                  <span className="muted"> (of the last {task.silence_summary.runs})</span>
                </dd>
              </div>
            )}
          </dl>
        </section>
        <ShareCard task={task} />
      </div>

      <h2>Runs</h2>
      {runs.isPending ? (
        <Loading label="Loading runs…" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} retry={() => void runs.refetch()} />
      ) : allRuns.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <>
          <ol className="timeline" aria-label="Runs, newest first">
            {allRuns.map((r) => (
              <RunItem key={r.id} run={r} zone={task.timezone} />
            ))}
          </ol>
          {runs.hasNextPage && (
            <button type="button" className="button" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
              Show older runs
            </button>
          )}
        </>
      )}

      <h2>Notifications</h2>
      {notified.isPending ? (
        <Loading label="Loading notifications…" />
      ) : notified.isError ? (
        <ErrorState error={notified.error} retry={() => void notified.refetch()} />
      ) : (notified.data.pages[0]?.data.length ?? 0) === 0 ? (
        <Empty title="No notifications yet">
          <p>When a run finds your condition met, what was sent and how each delivery went shows here.</p>
        </Empty>
      ) : (
        <>
          <ul className="task-list" aria-label="Notifications, newest first">
            {notified.data.pages.flatMap((p) => p.data).map((n) => (
              <NotifiedItem key={n.id} item={n} zone={task.timezone} />
            ))}
          </ul>
          {notified.hasNextPage && (
            <button type="button" className="button" onClick={() => void notified.fetchNextPage()}>
              Show older notifications
            </button>
          )}
        </>
      )}

      <h2>Spend</h2>
      {allRuns.length > 0 ? (
        <Suspense fallback={<Loading label="Loading the chart…" />}>
          <SpendChart runs={allRuns} zone={task.timezone} />
        </Suspense>
      ) : (
        <p className="muted">Nothing spent yet.</p>
      )}
    </section>
  );
}
