// The task screens' words for states, run statuses and failures, in one place so the list,
// the detail page and the timeline say the same thing the same way.
import type { Execution, TaskState } from "./api";

export const STATE_LABEL: Record<TaskState, string> = { active: "Active", paused: "Paused", completed: "Completed" };
export const STATE_TONE: Record<TaskState, string> = { active: "ok", paused: "warn", completed: "" };

export const STATUS_LABEL: Record<Execution["status"], string> = {
  pending: "Waiting to start",
  running: "Running",
  success: "Finished",
  retrying: "Retrying soon",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const STATUS_TONE: Record<Execution["status"], string> = {
  pending: "",
  running: "",
  success: "ok",
  retrying: "warn",
  failed: "bad",
  cancelled: "",
};

type SilenceReason = NonNullable<Execution["silence_reason"]>;

/** SILENCE_WORDS says why a finished run notified nobody, in the person's terms. */
export const SILENCE_WORDS: Record<SilenceReason, string> = {
  nothing_new: "Nothing new: what you watch for was already reported.",
  condition_not_met: "Your condition is not met yet.",
  low_confidence: "The agent found something but was not sure enough to tell you.",
  unsourced: "The agent's news was not backed by any page the search found.",
  already_reported: "Everything the agent found was already reported to you.",
  failed: "The run failed.",
  unchanged: "The page has not changed.",
  filtered: "The page changed only in parts this watch ignores.",
  page_failed: "The page could not be read.",
  spend_cap: "Not run: this month's model spend reached your monthly cap or this watch's budget.",
};

type Category = NonNullable<Execution["error_category"]>;

/** CATEGORY_SENTENCE says what a failure's kind means for the person, and what happens next. */
export const CATEGORY_SENTENCE: Record<Category, string> = {
  rate_limit: "The search service was busy and asked Torale to slow down, so this check could not finish.",
  timeout: "The check took too long and was stopped before the agent reached an answer.",
  network: "Torale could not reach the search service, so the check did not run to the end.",
  agent: "The agent could not produce a usable answer this time.",
  user: "The task's settings stopped this check from running; editing the task may fix it.",
  system: "Something went wrong on Torale's side while running this check.",
};

/** failureWords explains a failed run in plain words: the category's sentence, then the detail. */
export function failureWords(e: Pick<Execution, "error" | "error_category" | "status">): string | undefined {
  if (!e.error && !e.error_category) return undefined;
  const sentence = e.error_category ? CATEGORY_SENTENCE[e.error_category] : "The check failed.";
  const retry = e.status === "retrying" ? " Torale will try again shortly." : "";
  return e.error ? `${sentence}${retry} Details: ${e.error}` : sentence + retry;
}

/** outcome is a run's result at a glance: notified, stayed silent, failed or in progress. */
export function outcome(e: Execution): { label: string; tone: string } {
  if (e.status === "success") {
    return e.result?.notification ? { label: "Notified", tone: "ok" } : { label: "Stayed silent", tone: "" };
  }
  return { label: STATUS_LABEL[e.status], tone: STATUS_TONE[e.status] };
}

/** runDuration is how long a run took, in milliseconds, once it has started and finished. */
export function runDuration(e: Pick<Execution, "started_at" | "finished_at">): number | undefined {
  if (!e.started_at || !e.finished_at) return undefined;
  return new Date(e.finished_at).getTime() - new Date(e.started_at).getTime();
}
