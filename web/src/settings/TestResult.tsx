// What a test webhook did, in a live region so a screen reader hears it when it comes back.
import type { Schemas } from "../api/client";
import { friendly } from "../api/client";
import { duration } from "../format";

type Result = Schemas["WebhookTestResult"];

export function TestResult({ pending, result, error }: { pending: boolean; result?: Result; error: unknown }) {
  let body = null;
  if (pending) body = <p>Sending a test webhook…</p>;
  else if (error) body = <p className="bad-text">{friendly(error)}</p>;
  else if (result)
    body = (
      <div className={result.ok ? "test-result ok" : "test-result bad"}>
        <p>
          <strong>{result.ok ? "Test delivered." : "Test failed."}</strong>{" "}
          {result.status_code == null ? "No response" : `HTTP ${result.status_code}`}
          {result.latency_ms > 0 || result.status_code != null ? ` in ${duration(result.latency_ms)}` : ""}.
        </p>
        {result.error && <p>{result.error}</p>}
        <p className="muted small">
          webhook-id <code>{result.webhook_id}</code>
        </p>
      </div>
    );
  return (
    <div role="status" aria-live="polite" className="test-status">
      {body}
    </div>
  );
}
