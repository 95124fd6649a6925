// Templates and public watches: the queries and mutations their screens share. The public
// reads send no credentials of their own (the API answers them for anyone), so the public
// page works for a visitor who is not signed in, whatever the deployment's sign-in.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import type { TaskView } from "../api/views";
import { TASKS } from "../tasks/api";

export type Template = Schemas["Template"];
export type PublicTask = Schemas["PublicTask"];
export type PublicTaskView = Schemas["PublicTaskView"];

const TEMPLATES = "/api/v1/templates";
const PUBLIC = "/api/v1/public/tasks";

export function useTemplates() {
  return useQuery({ queryKey: [TEMPLATES], queryFn: () => unwrap(api.GET(TEMPLATES)), staleTime: 60_000 });
}

/** useSaveTemplate saves a task's definition as a template of the user's ("save as template"). */
export function useSaveTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (taskID: string) => unwrap(api.POST(TEMPLATES, { body: { from_task: taskID } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [TEMPLATES] }),
  });
}

export function useDeleteTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/templates/{id}", { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [TEMPLATES] }),
  });
}

/** usePublish makes a task public or private; contextOK confirms its context may shape public results. */
export function usePublish(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ pub, contextOK }: { pub: boolean; contextOK?: boolean }) =>
      unwrap(
        api.PATCH("/api/v1/tasks/{id}", {
          params: { path: { id } },
          body: contextOK ? { public: pub, public_context_ok: true } : { public: pub },
        }),
      ) as Promise<TaskView>,
    onSuccess: (t) => {
      qc.setQueryData([TASKS, id], t);
      void qc.invalidateQueries({ queryKey: [PUBLIC] });
    },
  });
}

export function usePublicTask(slug: string) {
  return useQuery({
    queryKey: [PUBLIC, slug],
    queryFn: () => unwrap(api.GET("/api/v1/public/tasks/{slug}", { params: { path: { slug } } })),
    retry: false,
  });
}

export function usePublicList(q: string) {
  return useInfiniteQuery({
    queryKey: [PUBLIC, "list", q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET(PUBLIC, { params: { query: { q: q || undefined, cursor: pageParam, limit: 25 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useFork() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (slug: string) =>
      unwrap(api.POST("/api/v1/public/tasks/{slug}/fork", { params: { path: { slug } } })) as Promise<TaskView>,
    onSuccess: () => void qc.invalidateQueries({ queryKey: [TASKS] }),
  });
}
