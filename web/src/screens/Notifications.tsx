// Every run that notified, newest first, across tasks: what it said, and how each channel's
// delivery went. Deliveries still pending change on their own, so the list polls until they end.
import "../settings/webB.css";
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../api/client";
import type { DeliveryWithAttempts } from "../api/views";
import { Empty, ErrorState, Loading } from "../ui/State";
import { Attempts, DeliveryBadge, NextTry } from "../settings/Delivery";
import { LoadMore, usePaged } from "../settings/paged";
import { inlineMarkdown } from "../settings/markdown";
import { Time } from "../settings/Time";

type Notified = Schemas["Notified"];

export default function Notifications() {
  const list = usePaged<Notified>(
    ["/api/v1/notifications"],
    (cursor) => unwrap(api.GET("/api/v1/notifications", { params: { query: { cursor } } })),
    { refetchInterval: (items) => (items.some((n) => n.deliveries.some((d) => d.status === "pending")) ? 10_000 : false) },
  );
  return (
    <>
      <h1>Notifications</h1>
      {list.isPending ? (
        <Loading label="Loading notifications…" />
      ) : !list.data ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <Empty title="No notifications yet">
          <p>
            When a watch's condition is met, the run that found it appears here with what it said and where it was
            sent. <Link to="/">See your tasks</Link>.
          </p>
        </Empty>
      ) : (
        <>
          <ol className="notices">
            {list.items.map((n) => (
              <li key={n.id}>
                <Notice n={n} />
              </li>
            ))}
          </ol>
          {list.isError && <ErrorState error={list.error} />}
          <LoadMore {...list} />
        </>
      )}
    </>
  );
}

function Notice({ n }: { n: Notified }) {
  const message = n.result?.notification ? inlineMarkdown(n.result.notification) : n.result?.evidence || "The run notified without a message.";
  const evidence = n.result?.notification ? n.result.evidence : "";
  const sources = n.result?.sources ?? [];
  return (
    <article className="card notice" aria-labelledby={`notice-${n.id}`}>
      <header className="notice-head">
        <h2 id={`notice-${n.id}`}>
          <Link to={`/tasks/${n.task_id}`}>{n.task_name}</Link>
        </h2>
        <Time iso={n.finished_at ?? n.created_at} />
      </header>
      <p className="notice-message">{message}</p>
      {(evidence || sources.length > 0) && (
        <details>
          <summary>Evidence{sources.length > 0 ? ` and ${sources.length} ${sources.length === 1 ? "source" : "sources"}` : ""}</summary>
          {evidence && <p className="notice-message">{evidence}</p>}
          {sources.length > 0 && (
            <ul>
              {sources.map((s) => (
                <li key={s.url}>
                  <a href={s.url} target="_blank" rel="noreferrer noopener">
                    {s.title || s.url}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      {n.deliveries.length === 0 ? (
        <p className="muted">This task had no channels to send to.</p>
      ) : (
        <ul className="deliveries" aria-label="Deliveries">
          {n.deliveries.map((d) => {
            const dd = d as DeliveryWithAttempts;
            return (
              <li key={d.id}>
                <div className="delivery-line">
                  <span className="channel">{d.channel === "email" ? "Email" : "Webhook"}</span>
                  <span className="target">{d.target}</span>
                  <DeliveryBadge status={d.status} />
                  <NextTry status={d.status} at={d.next_attempt_at} />
                </div>
                {d.last_error && d.status !== "delivered" && <p className="delivery-error">{d.last_error}</p>}
                <Attempts attempts={dd.attempt_log} count={d.attempts} />
              </li>
            );
          })}
        </ul>
      )}
    </article>
  );
}
