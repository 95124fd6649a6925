// Names for the API's bodies that screens share, and the calls that are not plain queries.
import { api, unwrap, type Schemas } from "./client";

export type NextRunReason = Schemas["NextRunReason"];
export type TaskView = Schemas["TaskView"];
export type DeliveryAttempt = Schemas["DeliveryAttempt"];
/** A delivery in GET /notifications and /tasks/{id}/notifications, with its attempts. */
export type DeliveryWithAttempts = Schemas["Delivery"];
export type SchedulePreview = Schemas["SchedulePreview"];

/** previewSchedule asks the API for the next five runs of a schedule in a zone. */
export function previewSchedule(schedule: string, timezone: string): Promise<SchedulePreview> {
  return unwrap(api.POST("/api/v1/schedules/preview", { body: { schedule, timezone } }));
}
