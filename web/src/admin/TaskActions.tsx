// What an admin can do to anyone's task from the list: run it now (as its owner would) and
// pause or resume it. Both are reversible, so they act at once and say what happened.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, friendly, unwrap, type Schemas } from "../api/client";

type Task = Schemas["AdminTask"];

/** refreshAdmin refetches every admin list, since a run or state change shows in several. */
function useRefreshAdmin() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith("/api/v1/admin/") });
}

export function TaskActions({ t, say }: { t: Task; say: (msg: string) => void }) {
  const refresh = useRefreshAdmin();
  const run = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/admin/tasks/{id}/run", { params: { path: { id: t.id } } })),
    onSuccess: () => {
      say(`A run of “${t.name}” started.`);
      refresh();
    },
    onError: (err) => say(`“${t.name}” could not run: ${friendly(err)}`),
  });
  const next = t.state === "active" ? "paused" : "active";
  const setState = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/admin/tasks/{id}/state", { params: { path: { id: t.id } }, body: { state: next } })),
    onSuccess: (task) => {
      say(`“${task.name}” is now ${task.state}.`);
      refresh();
    },
    onError: (err) => say(`“${t.name}” could not change: ${friendly(err)}`),
  });
  return (
    <span className="actions nowrap">
      <button type="button" className="button" aria-label={`Run ${t.name} now`} disabled={run.isPending} onClick={() => run.mutate()}>
        Run now
      </button>
      {t.state !== "completed" && (
        <button
          type="button"
          className="button"
          aria-label={`${next === "paused" ? "Pause" : "Resume"} ${t.name}`}
          disabled={setState.isPending}
          onClick={() => setState.mutate()}
        >
          {next === "paused" ? "Pause" : "Resume"}
        </button>
      )}
    </span>
  );
}
