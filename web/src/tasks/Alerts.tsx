// A task's open alerts: what is wrong with the watch, in plain words, and what to do. The owner
// was told once by email and webhook; the task shows them until they are over.
import type { TaskView } from "../api/views";
import { relative } from "../format";

const TITLE: Record<string, string> = {
  failing: "This watch keeps failing",
  overdue: "This watch has stopped running",
  spend_cap: "Not run: spend cap reached",
  webhook_gone: "Torale stopped posting to a webhook",
  webhook_failing: "A webhook has been failing for a day",
};

export function OpenAlerts({ alerts }: { alerts: TaskView["open_alerts"] }) {
  if (alerts.length === 0) return null;
  return (
    <section aria-label="Alerts">
      {alerts.map((a) => (
        <div key={a.id} role="alert" className="notice bad">
          <p>
            <strong>{TITLE[a.cause] ?? "This watch needs attention"}</strong>
          </p>
          <p>{a.message}</p>
          <p className="muted">
            {a.advice} <span>(since {relative(a.opened_at)})</span>
          </p>
        </div>
      ))}
    </section>
  );
}
