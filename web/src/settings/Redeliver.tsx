// Send a delivered or failed notification again: the API queues a new delivery to the same
// target, so the log gains a row; nothing is asked first, since a replay is what was asked for
// and changes nothing already sent.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, friendly, unwrap } from "../api/client";

export function Redeliver({ id, status, label }: { id: string; status: string; label: string }) {
  const qc = useQueryClient();
  const send = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/webhook/deliveries/{id}/redeliver", { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["/api/v1/webhook/deliveries"] }),
  });
  if (status === "pending") return null;
  return (
    <div className="small">
      <button type="button" className="button" aria-label={`Send ${label} again`} disabled={send.isPending} onClick={() => send.mutate()}>
        Send again
      </button>
      <span role="status">{send.isSuccess ? " Queued." : send.isError ? ` ${friendly(send.error)}` : ""}</span>
    </div>
  );
}
