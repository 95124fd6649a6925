// Fixtures for the task screens' tests: complete API objects with overridable fields.
import type { TaskView } from "../api/views";
import type { Execution, Notified } from "./api";

export function makeTask(over: Partial<TaskView> = {}): TaskView {
  return {
    id: "11111111-1111-4111-8111-111111111111",
    name: "iPhone release date",
    search_query: "next iPhone release date",
    condition_description: "Apple has announced the release date",
    schedule: "0 9 * * 1",
    timezone: "Europe/Berlin",
    notify_behavior: "once",
    depth: "routine",
    notifications: [],
    urls: [],
    mode: "agent",
    state: "active",
    next_run_at: "2026-12-07T08:00:00Z",
    last_run_at: null,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    state_changed_at: "2026-11-01T10:00:00Z",
    last_execution: null,
    month_spend_usd: 0.42,
    next_run_reason: { kind: "schedule", summary: "Its schedule: every Monday at 09:00" },
    context: "",
    silence_summary: { runs: 0, silent: 0, by_reason: {}, sentence: "" },
    public: false,
    public_slug: null,
    public_context_ok: false,
    published_at: null,
    monthly_budget_usd: null,
    open_alerts: [],
    ...over,
  };
}

export function makeRun(over: Partial<Execution> = {}): Execution {
  return {
    id: "22222222-2222-4222-8222-222222222222",
    task_id: "11111111-1111-4111-8111-111111111111",
    scheduled_for: null,
    trigger: "manual",
    status: "success",
    attempt: 1,
    created_at: "2026-11-30T10:00:00Z",
    started_at: "2026-11-30T10:00:01Z",
    finished_at: "2026-11-30T10:00:05Z",
    result: {
      evidence: "Apple has not announced a date yet; reports point to September.",
      sources: [{ url: "https://www.apple.com/newsroom/", title: "Apple Newsroom" }],
      confidence: 74,
      notification: null,
      next_run: null,
      topic: "iPhone release",
    },
    usage: { model: "gemini", prompt_tokens: 1200, output_tokens: 300, search_queries: 2, cost_usd: 0.0031 },
    silence_reason: null,
    ...over,
  };
}

export function makeNotified(over: Partial<Notified> = {}): Notified {
  const run = makeRun({
    id: "33333333-3333-4333-8333-333333333333",
    result: { ...makeRun().result!, notification: "Apple announced the date: 19 September." },
  });
  return { ...run, task_name: "iPhone release date", deliveries: [], ...over };
}
