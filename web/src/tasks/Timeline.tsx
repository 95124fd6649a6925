// A task's runs, newest first, and the notifications they sent with each delivery's attempts.
import { inZone, duration, moneyExact } from "../format";
import type { Execution, Notified } from "./api";
import { Sources } from "./ResultSummary";
import { Attempts } from "../settings/Delivery";
import { failureWords, outcome, runDuration, SILENCE_WORDS, STATUS_LABEL } from "./words";
import { RunSteps } from "./Trail";

const tokens = new Intl.NumberFormat("en-US");

export function RunItem({ run, zone }: { run: Execution; zone: string }) {
  const o = outcome(run);
  const failure = failureWords(run);
  const ms = runDuration(run);
  const started = run.started_at ?? run.created_at;
  return (
    <li className={o.tone}>
      <div className="run-head">
        <span className={`badge ${o.tone}`}>{o.label}</span>
        <time dateTime={started}>{inZone(started, zone)}</time>
        <span className="muted">{run.trigger === "manual" ? "run now" : "on schedule"}</span>
        {run.attempt > 1 && <span className="muted">attempt {run.attempt}</span>}
      </div>
      <p className="run-meta">
        {run.started_at && <span>Started {inZone(run.started_at, zone, { seconds: true })}</span>}
        {run.finished_at && <span>Finished {inZone(run.finished_at, zone, { seconds: true })}</span>}
        {ms !== undefined && <span>Took {duration(ms)}</span>}
        {(run.usage.prompt_tokens > 0 || run.usage.output_tokens > 0) && (
          <span>
            {tokens.format(run.usage.prompt_tokens + run.usage.output_tokens)} tokens ({tokens.format(run.usage.prompt_tokens)} in,{" "}
            {tokens.format(run.usage.output_tokens)} out)
          </span>
        )}
        {run.usage.search_queries > 0 && <span>{run.usage.search_queries === 1 ? "1 search" : `${run.usage.search_queries} searches`}</span>}
        <span>Cost {moneyExact(run.usage.cost_usd)}</span>
      </p>
      {failure && <p className="run-note bad">{failure}</p>}
      {run.status === "success" && run.result && (
        <>
          {run.result.notification ? (
            <p className="run-note">
              <strong>Notified:</strong> {run.result.notification}
            </p>
          ) : run.silence_reason ? (
            // The reason's words lead; the evidence's own sentence says what was found.
            <>
              <p className="run-note">
                <strong>Why it stayed silent:</strong> {SILENCE_WORDS[run.silence_reason] ?? run.silence_reason}
              </p>
              <p className="run-note muted">{run.result.evidence}</p>
            </>
          ) : (
            // Runs from before reasons were recorded: the evidence's own sentence says why.
            <p className="run-note">
              <strong>Why it stayed silent:</strong> {run.result.evidence}
            </p>
          )}
          <p className="run-meta">
            <span>{run.result.confidence}% confidence</span>
          </p>
        </>
      )}
      {(run.status === "pending" || run.status === "running") && (
        <p className="run-note" role="status">
          <span className="spinner" aria-hidden="true" /> {STATUS_LABEL[run.status]}…
        </p>
      )}
      {run.status !== "pending" && run.status !== "cancelled" && <RunSteps run={run} />}
    </li>
  );
}

export function NotifiedItem({ item, zone }: { item: Notified; zone: string }) {
  const when = item.finished_at ?? item.created_at;
  return (
    <li className="card">
      <p className="run-head">
        <time dateTime={when}>{inZone(when, zone)}</time>
      </p>
      {item.result?.notification && <blockquote className="message">{item.result.notification}</blockquote>}
      {item.result?.sources?.length ? (
        <details>
          <summary>Sources ({item.result.sources.length})</summary>
          <Sources sources={item.result.sources} />
        </details>
      ) : null}
      {item.deliveries.length === 0 ? (
        <p className="muted">No channel was set, so this was only recorded here.</p>
      ) : (
        <ul className="deliveries">
          {item.deliveries.map((d) => (
            <li key={d.id}>
              <span className={`badge ${d.status === "delivered" ? "ok" : d.status === "failed" ? "bad" : "warn"}`}>
                {d.status === "delivered" ? "Delivered" : d.status === "failed" ? "Failed" : "Sending"}
              </span>{" "}
              {d.channel === "email" ? "Email to" : "Webhook to"} <span className="target">{d.target || "your default webhook"}</span>
              <span className="muted">
                {" "}
                · {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                {d.delivered_at ? ` · delivered ${inZone(d.delivered_at, zone)}` : ""}
                {d.status === "pending" ? ` · next try ${inZone(d.next_attempt_at, zone)}` : ""}
              </span>
              {d.last_error && d.status !== "delivered" && <p className="run-note bad">{d.last_error}</p>}
              {d.attempt_log && d.attempt_log.length > 0 && (
                <Attempts
                  attempts={d.attempt_log}
                  count={d.attempts}
                  zone={zone}
                  summary={`Attempts on ${d.channel === "email" ? "email" : "webhook"} (${d.attempt_log.length})`}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
