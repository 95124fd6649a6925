// How a notification's delivery went, the same in the notifications list and the webhook log:
// a status badge, and every attempt (time, outcome, response code, latency, error) in a
// disclosure so the list stays short until someone asks why.
import type { Schemas } from "../api/client";
import { duration, inZone } from "../format";
import { Time, fullTime } from "./Time";
import { TableWrap } from "./TableWrap";

type Attempt = Schemas["DeliveryAttempt"];

const statusClass: Record<string, string> = { delivered: "ok", pending: "warn", failed: "bad" };

export function DeliveryBadge({ status }: { status: string }) {
  return <span className={`badge ${statusClass[status] ?? ""}`}>{status}</span>;
}

type AttemptsProps = {
  attempts: Attempt[] | undefined;
  count: number;
  /** zone shows times in a task's zone (its detail page); without, the browser's. */
  zone?: string;
  /** summary replaces "N attempts" as the disclosure's label. */
  summary?: string;
};

/** Attempts lists a delivery's tries, oldest first, behind a summary line. */
export function Attempts({ attempts, count, zone, summary }: AttemptsProps) {
  const log = attempts ?? [];
  const n = Math.max(count, log.length);
  if (n === 0) return <span className="muted">not tried yet</span>;
  return (
    <details className="attempts">
      <summary>
        {summary ?? `${n} ${n === 1 ? "attempt" : "attempts"}`}
      </summary>
      {log.length === 0 ? (
        <p className="muted">The attempts were not recorded.</p>
      ) : (
        <TableWrap label="Attempts">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col">Response</th>
                <th scope="col">Latency</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {log.map((a, i) => (
                <tr key={`${a.attempted_at}-${i}`}>
                  <td>
                    <time dateTime={a.attempted_at}>{zone ? inZone(a.attempted_at, zone, { seconds: true }) : fullTime(a.attempted_at)}</time>
                  </td>
                  <td>
                    <span className={a.ok ? "badge ok" : "badge bad"}>{a.ok ? "ok" : "failed"}</span>
                  </td>
                  <td>{a.response_code == null ? <span className="muted">no answer</span> : `HTTP ${a.response_code}`}</td>
                  <td>{duration(a.latency_ms)}</td>
                  <td>{a.error ?? <span className="muted">–</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </details>
  );
}

/** NextTry says when a pending delivery is tried again. */
export function NextTry({ status, at }: { status: string; at: string | null | undefined }) {
  if (status !== "pending" || !at) return null;
  return (
    <span className="muted">
      {" "}
      next try <Time iso={at} />
    </span>
  );
}
