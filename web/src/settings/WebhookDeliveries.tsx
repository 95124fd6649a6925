// The webhook delivery log, newest first, each row's attempts behind a disclosure. Pending
// deliveries are retried on their own schedule, so the log polls while any are pending.
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorState, Loading } from "../ui/State";
import { Attempts, DeliveryBadge, NextTry } from "./Delivery";
import { LoadMore, usePaged } from "./paged";
import { Redeliver } from "./Redeliver";
import { Time } from "./Time";
import { TableWrap } from "./TableWrap";

type Log = Schemas["DeliveryLog"];

export function WebhookDeliveries() {
  const log = usePaged<Log>(
    ["/api/v1/webhook/deliveries"],
    (cursor) => unwrap(api.GET("/api/v1/webhook/deliveries", { params: { query: { cursor } } })),
    { refetchInterval: (items) => (items.some((d) => d.status === "pending") ? 15_000 : false) },
  );
  return (
    <div className="deliveries-log">
      <h3>Delivery log</h3>
      {log.isPending ? (
        <Loading label="Loading deliveries…" />
      ) : !log.data ? (
        <ErrorState error={log.error} retry={() => void log.refetch()} />
      ) : log.items.length === 0 ? (
        <p className="muted">No webhook deliveries yet. They appear here when a task with a webhook notifies.</p>
      ) : (
        <>
          <TableWrap label="Delivery log">
            <table>
              <caption className="visually-hidden">Webhook deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Task</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {log.items.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Time iso={d.created_at} />
                    </td>
                    <td>
                      <Link to={`/tasks/${d.task_id}`}>{d.task_name}</Link>
                    </td>
                    <td className="wrap">{d.target}</td>
                    <td>
                      <DeliveryBadge status={d.status} />
                      <NextTry status={d.status} at={d.next_attempt_at} />
                      {d.last_error && d.status !== "delivered" && <div className="small delivery-error">{d.last_error}</div>}
                      <Redeliver id={d.id} status={d.status} label={`the delivery of ${d.task_name}`} />
                    </td>
                    <td>
                      <Attempts attempts={d.attempt_log} count={d.attempts} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {log.isError && <ErrorState error={log.error} />}
          <LoadMore {...log} />
        </>
      )}
    </div>
  );
}
