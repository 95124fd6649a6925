// Pieces that show what a run found, shared by the list, the detail page and the preview.
import type { Schemas } from "../api/client";
import { inZone, relative } from "../format";
import type { Execution } from "./api";
import { outcome } from "./words";

type Result = Schemas["Result"];

/** Confidence reads the agent's 0–100 score as a percentage with a word for how sure. */
export function Confidence({ value }: { value: number }) {
  const word = value >= 80 ? "high" : value >= 50 ? "medium" : "low";
  return (
    <span className="confidence" title={`The agent is ${value}% sure`}>
      {value}% <span className="muted">confidence ({word})</span>
    </span>
  );
}

export function Sources({ sources }: { sources: Result["sources"] }) {
  if (!sources?.length) return <p className="muted">No sources were cited.</p>;
  return (
    <ul className="sources">
      {sources.map((s) => (
        <li key={s.url}>
          <a href={s.url} target="_blank" rel="noopener noreferrer">
            {s.title || s.url}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Evidence is the agent's finding: what it found, how sure, the pages, and any message sent. */
export function Evidence({
  result,
  headingLevel = 3,
  showConfidence = true,
}: {
  result: Result;
  headingLevel?: 2 | 3;
  /** Off where the result carries no confidence (a public watch's results). */
  showConfidence?: boolean;
}) {
  const H = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="evidence">
      <p className="evidence-text">{result.evidence}</p>
      {showConfidence ? (
        <p>
          <Confidence value={result.confidence} />
        </p>
      ) : null}
      <H className="small-heading">Sources</H>
      <Sources sources={result.sources} />
      {result.notification ? (
        <>
          <H className="small-heading">Message</H>
          <blockquote className="message">{result.notification}</blockquote>
        </>
      ) : null}
    </div>
  );
}

/** LastResult is the one-line summary of a task's latest run for the task list. */
export function LastResult({ run, zone }: { run: Execution | null | undefined; zone: string }) {
  if (!run) return <span className="muted">No runs yet</span>;
  const o = outcome(run);
  const when = run.finished_at ?? run.started_at ?? run.created_at;
  return (
    <span className="last-result">
      <span className={`badge ${o.tone}`}>{o.label}</span>
      {run.result ? <span>{run.result.confidence}% confidence</span> : null}
      <time dateTime={when} title={inZone(when, zone)}>
        {relative(when)}
      </time>
    </span>
  );
}
