// The task screens' queries and mutations. Keys start with the resource path, so invalidating
// ["/api/v1/tasks"] refreshes the list, every task and their runs after any change.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import type { DeliveryWithAttempts, TaskView } from "../api/views";

export type TaskState = Schemas["TaskView"]["state"];
export type Execution = Schemas["Execution"];
export type Step = Schemas["Step"];
export type Notified = Omit<Schemas["Notified"], "deliveries"> & { deliveries: DeliveryWithAttempts[] };
export type TaskInput = Schemas["TaskInput"];
export type TaskPatch = Schemas["TaskPatch"];

export const TASKS = "/api/v1/tasks";

/** unfinished says whether a run may still change on its own, so the page keeps polling. */
export function unfinished(e: Pick<Execution, "status">): boolean {
  return e.status === "pending" || e.status === "running" || e.status === "retrying";
}

/** due says whether a task's next run is about to start or overdue, so its page should look for it. */
export function due(task: Pick<TaskView, "state" | "next_run_at">, now = Date.now()): boolean {
  return task.state === "active" && task.next_run_at !== null && new Date(task.next_run_at).getTime() <= now + 60_000;
}

export function useTaskList(state: TaskState | undefined) {
  return useInfiniteQuery({
    queryKey: [TASKS, "list", state ?? "all"],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const page = await unwrap(api.GET(TASKS, { params: { query: { state, cursor: pageParam, limit: 25 } } }));
      return { ...page, data: page.data as TaskView[] };
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // A task whose run is due shows its result soon: look again now and then until it has.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some((t) => due(t))) ? 15_000 : false),
  });
}

export function useTask(id: string) {
  return useQuery({
    queryKey: [TASKS, id],
    queryFn: async () => (await unwrap(api.GET("/api/v1/tasks/{id}", { params: { path: { id } } }))) as TaskView,
  });
}

/**
 * useExecutions pages through a task's runs. It polls every 1.5 s while a run is unfinished, and
 * every 3 s while the task's next run is due but not yet recorded (the scheduler starts a new
 * task's first run within a minute), so runs appear without a reload.
 */
export function useExecutions(id: string, task?: Pick<TaskView, "state" | "next_run_at">) {
  return useInfiniteQuery({
    queryKey: [TASKS, id, "executions"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/tasks/{id}/executions", { params: { path: { id }, query: { cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some(unfinished)) ? 1500 : task && due(task) ? 3000 : false),
  });
}

/**
 * useExecutionSteps reads one run's trail, only while enabled (the run's steps are open), and
 * again every 1.5 s while the run is unfinished, since an attempt's steps arrive when it ends.
 */
export function useExecutionSteps(run: Pick<Execution, "id" | "status">, enabled: boolean) {
  return useQuery({
    queryKey: [TASKS, "execution", run.id, run.status],
    enabled,
    queryFn: async () => (await unwrap(api.GET("/api/v1/executions/{id}", { params: { path: { id: run.id } } }))).steps,
    refetchInterval: unfinished(run) ? 1500 : false,
  });
}

export function useTaskNotifications(id: string) {
  return useInfiniteQuery({
    queryKey: [TASKS, id, "notifications"],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const page = await unwrap(
        api.GET("/api/v1/tasks/{id}/notifications", { params: { path: { id }, query: { cursor: pageParam, limit: 20 } } }),
      );
      return { ...page, data: page.data as Notified[] };
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Deliveries being retried settle on their own; follow them.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.data.some((n) => n.deliveries.some((d) => d.status === "pending"))) ? 5000 : false,
  });
}

export function useEmails() {
  return useQuery({ queryKey: ["/api/v1/emails"], queryFn: () => unwrap(api.GET("/api/v1/emails")) });
}

export function useWebhook() {
  return useQuery({ queryKey: ["/api/v1/webhook"], queryFn: () => unwrap(api.GET("/api/v1/webhook")) });
}

export function usePreview() {
  return useMutation({ mutationFn: (body: TaskInput) => unwrap(api.POST("/api/v1/tasks/preview", { body })) });
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskInput) => unwrap(api.POST(TASKS, { body })),
    onSuccess: (task) => {
      qc.setQueryData([TASKS, task.id], task);
      void qc.invalidateQueries({ queryKey: [TASKS, "list"] });
    },
  });
}

export function useUpdateTask(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskPatch) => unwrap(api.PATCH("/api/v1/tasks/{id}", { params: { path: { id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [TASKS] }),
  });
}

/** useTaskAction pauses, resumes or deletes a task, then refreshes what shows it. */
export function useTaskAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (action: "pause" | "resume" | "delete") => {
      const path = { params: { path: { id } } };
      if (action === "pause") await unwrap(api.POST("/api/v1/tasks/{id}/pause", path));
      else if (action === "resume") await unwrap(api.POST("/api/v1/tasks/{id}/resume", path));
      else await unwrap(api.DELETE("/api/v1/tasks/{id}", path));
      return action;
    },
    // A refused change (say, pausing a task that just completed) means the page is out of date.
    onError: () => void qc.invalidateQueries({ queryKey: [TASKS, id], exact: true }),
    onSuccess: (action) => {
      if (action === "delete") {
        qc.removeQueries({ queryKey: [TASKS, id] });
        void qc.invalidateQueries({ queryKey: [TASKS, "list"] });
        void qc.invalidateQueries({ queryKey: ["/api/v1/notifications"] });
      } else {
        void qc.invalidateQueries({ queryKey: [TASKS] });
      }
    },
  });
}

/**
 * useRunNow starts a run; the executions query then polls until it finishes. force cancels an
 * unfinished run of the task first (otherwise the API answers 409).
 */
export function useRunNow(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (force: boolean = false) =>
      unwrap(api.POST("/api/v1/tasks/{id}/run", { params: { path: { id }, query: force ? { force: true } : {} } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [TASKS, id, "executions"] }),
  });
}
