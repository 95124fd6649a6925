// Under torale dev, email is kept in memory instead of sent: this panel shows it, so a
// verification code can be read on the page. It polls, since notifications arrive on their own.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { ErrorState, Loading } from "../ui/State";
import { Time } from "./Time";

const shown = 10;

export function DevMailbox() {
  const mail = useQuery({
    queryKey: ["/api/v1/dev/mailbox"],
    queryFn: () => unwrap(api.GET("/api/v1/dev/mailbox")),
    refetchInterval: 10_000,
  });
  const messages = [...(mail.data?.data ?? [])].sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  return (
    <section className="card devmail" aria-labelledby="devmail-h">
      <h3 id="devmail-h">Dev mailbox</h3>
      <p className="muted small">torale dev keeps email here instead of sending it. Newest first.</p>
      {mail.isPending ? (
        <Loading label="Loading the mailbox…" />
      ) : mail.isError ? (
        <ErrorState error={mail.error} retry={() => void mail.refetch()} />
      ) : messages.length === 0 ? (
        <p className="muted">No mail yet. Send a code and it appears here.</p>
      ) : (
        <ol className="mail-list">
          {messages.slice(0, shown).map((m, i) => (
            <li key={`${m.sent_at}-${i}`} className="mail">
              <p className="mail-head">
                <strong>{m.subject}</strong>
                <span className="muted small">
                  to {m.to}, <Time iso={m.sent_at} />
                </span>
              </p>
              <pre tabIndex={0}>
                {m.text}
              </pre>
            </li>
          ))}
        </ol>
      )}
      {messages.length > shown && (
        <p className="muted small">
          {messages.length - shown} older {messages.length - shown === 1 ? "message is" : "messages are"} not shown.
        </p>
      )}
    </section>
  );
}
