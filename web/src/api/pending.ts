// API fields and endpoints being added alongside the dashboard (issue 12), typed here until
// src/api/schema.d.ts is regenerated from the OpenAPI document that carries them. After the
// merge, every use of this file moves to Schemas[...] and api.GET/POST, and it is deleted.
import type { Schemas } from "./client";
import { ApiError } from "./client";

export type NextRunReason = {
  kind: "schedule" | "agent" | "retry" | "first_run" | "none";
  summary: string;
};

/** TaskView with the list's month spend (always present) and why the next run is when it is. */
export type TaskView = Schemas["TaskView"] & {
  month_spend_usd?: number;
  next_run_reason?: NextRunReason;
};

export type DeliveryAttempt = Schemas["DeliveryAttempt"];

/** A delivery inside GET /notifications and /tasks/{id}/notifications, now with its attempts. */
export type DeliveryWithAttempts = Schemas["Delivery"] & { attempt_log?: DeliveryAttempt[] };

export type SchedulePreview = { schedule: string; timezone: string; next_runs: string[] };

/** previewSchedule asks the API for the next five runs of a schedule in a zone. */
export async function previewSchedule(schedule: string, timezone: string): Promise<SchedulePreview> {
  const res = await globalThis.fetch(`${location.origin}/api/v1/schedules/preview`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ schedule, timezone }),
  });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, body);
  return body as SchedulePreview;
}
