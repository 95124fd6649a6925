// A run's trail: what it did, step by step (searches, page reads, model calls, the decision,
// retries), with each step's time, tokens and cost, and failures in plain words. Read only when
// the person opens it, so a list of fifty runs makes no fifty requests.
import { useState } from "react";
import { duration, moneyExact } from "../format";
import { useExecutionSteps, type Execution, type Step } from "./api";
import { SILENCE_WORDS } from "./words";

const tokens = new Intl.NumberFormat("en-US");
const bytes = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** STEP_LABEL names each kind of step; the icon is decoration, the label says it. */
export const STEP_LABEL: Record<Step["kind"], { icon: string; label: string }> = {
  search: { icon: "🔎", label: "Search" },
  page: { icon: "📄", label: "Page read" },
  model: { icon: "🤖", label: "Model call" },
  decision: { icon: "⚖️", label: "Decision" },
  retry: { icon: "↻", label: "Retry" },
};

function size(n: number): string {
  if (n >= 1 << 20) return `${bytes.format(n / (1 << 20))} MiB`;
  if (n >= 1 << 10) return `${bytes.format(n / (1 << 10))} KiB`;
  return `${n} B`;
}

/** what says in a few words what a step did, by its kind. */
export function what(s: Step): string {
  switch (s.kind) {
    case "search": {
      const found = s.results === 1 ? "1 page" : `${s.results ?? 0} pages`;
      return s.queries?.length ? `${s.queries.map((q) => `“${q}”`).join(", ")}: ${found}` : found;
    }
    case "page":
      return [s.url, s.status ? `HTTP ${s.status}` : "", s.bytes ? size(s.bytes) : ""].filter(Boolean).join(" · ");
    case "model":
      return [s.model, s.purpose === "decide" ? "deciding" : s.purpose === "search" ? "searching" : s.purpose].filter(Boolean).join(", ");
    case "decision":
      if (s.notifies) return `Notify (${s.confidence ?? 0}% confidence)`;
      return `Stay silent: ${s.silence_reason ? (SILENCE_WORDS[s.silence_reason] ?? s.silence_reason) : "nothing to tell"}`;
    case "retry":
      return s.purpose === "run" ? "The run will be tried again" : `Tried ${s.purpose ?? "the call"} again${s.model ? ` (${s.model})` : ""}`;
  }
}

export function StepList({ steps }: { steps: Step[] }) {
  if (steps.length === 0) return <p className="muted">This run recorded no steps.</p>;
  const attempts = new Set(steps.map((s) => s.attempt)).size > 1;
  return (
    <ol className="trail" aria-label="Steps, in order">
      {steps.map((s, i) => {
        const { icon, label } = STEP_LABEL[s.kind] ?? { icon: "•", label: s.kind };
        const used = (s.prompt_tokens ?? 0) + (s.output_tokens ?? 0);
        return (
          <li key={i} className={s.failure ? "bad" : undefined}>
            <span className="trail-icon" aria-hidden="true">
              {icon}
            </span>
            <span className="trail-label">{label}</span>
            <span className="trail-what">{what(s)}</span>
            <span className="trail-meta muted">
              {attempts && <span>attempt {s.attempt}</span>}
              {s.duration_ms > 0 && <span>{s.kind === "retry" ? `after ${duration(s.duration_ms)}` : duration(s.duration_ms)}</span>}
              {used > 0 && (
                <span>
                  {tokens.format(used)} tokens ({tokens.format(s.prompt_tokens ?? 0)} in, {tokens.format(s.output_tokens ?? 0)} out)
                </span>
              )}
              {s.cost_usd ? <span>{moneyExact(s.cost_usd)}</span> : null}
            </span>
            {s.failure && <span className="trail-failure">{s.failure}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** RunSteps is a run's trail behind a disclosure, fetched when first opened. */
export function RunSteps({ run }: { run: Pick<Execution, "id" | "status"> }) {
  const [open, setOpen] = useState(false);
  const q = useExecutionSteps(run, open);
  return (
    <details className="run-steps" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Steps</summary>
      {q.isPending ? (
        open && <p className="muted">Loading the steps…</p>
      ) : q.isError ? (
        <p className="run-note bad">The steps could not be loaded: {q.error.message}</p>
      ) : (
        <StepList steps={q.data} />
      )}
    </details>
  );
}
