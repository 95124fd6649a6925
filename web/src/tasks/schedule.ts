// The schedule presets of the task form and how each maps to the API's `schedule` field: no
// schedule at all means the agent decides when to look again (TaskInput.schedule omitted, or ""
// in a PATCH), and every other preset is a 5-field cron expression read in the task's zone.

export type Preset = "agent" | "hourly" | "daily" | "weekly" | "custom";

export type ScheduleChoice = {
  preset: Preset;
  /** time is "HH:MM" for the daily and weekly presets. */
  time: string;
  /** day is the weekday for the weekly preset, 0 = Sunday as in cron. */
  day: number;
  /** cron is the expression typed for the custom preset. */
  cron: string;
};

export const PRESETS: { value: Preset; label: string }[] = [
  { value: "agent", label: "Let the agent decide" },
  { value: "hourly", label: "Every hour" },
  { value: "daily", label: "Every day at…" },
  { value: "weekly", label: "Every week on…" },
  { value: "custom", label: "Custom (cron)" },
];

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export const DEFAULT_CHOICE: ScheduleChoice = { preset: "agent", time: "09:00", day: 1, cron: "" };

/** toCron turns a choice into the API's schedule: "" for the agent, else a cron expression. */
export function toCron(c: ScheduleChoice): string {
  const [h, m] = splitTime(c.time);
  switch (c.preset) {
    case "agent":
      return "";
    case "hourly":
      return "0 * * * *";
    case "daily":
      return `${m} ${h} * * *`;
    case "weekly":
      return `${m} ${h} * * ${c.day}`;
    case "custom":
      return c.cron.trim().replace(/\s+/g, " ");
  }
}

/** fromCron reads a stored schedule back into the preset that would produce it, for editing. */
export function fromCron(cron: string): ScheduleChoice {
  const expr = cron.trim().replace(/\s+/g, " ");
  if (expr === "") return { ...DEFAULT_CHOICE };
  const lower = expr.toLowerCase();
  if (expr === "0 * * * *" || lower === "@hourly") return { ...DEFAULT_CHOICE, preset: "hourly" };
  if (lower === "@daily" || lower === "@midnight") return { ...DEFAULT_CHOICE, preset: "daily", time: "00:00" };
  if (lower === "@weekly") return { ...DEFAULT_CHOICE, preset: "weekly", time: "00:00", day: 0 };
  const m = /^(\d{1,2}) (\d{1,2}) \* \* (\*|[0-7])$/.exec(expr);
  if (m && Number(m[1]) < 60 && Number(m[2]) < 24) {
    const time = `${pad(Number(m[2]))}:${pad(Number(m[1]))}`;
    if (m[3] === "*") return { ...DEFAULT_CHOICE, preset: "daily", time };
    return { ...DEFAULT_CHOICE, preset: "weekly", time, day: Number(m[3]) % 7 };
  }
  return { ...DEFAULT_CHOICE, preset: "custom", cron: expr };
}

function splitTime(time: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})/.exec(time);
  if (!m) return [9, 0];
  return [Math.min(23, Number(m[1])), Math.min(59, Number(m[2]))];
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** browserZone is the zone the person's device is set to, the form's default. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** zoneNames lists the IANA zones the browser knows, for the time zone field's suggestions. */
export function zoneNames(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const names = intl.supportedValuesOf?.("timeZone") ?? [];
  return names.includes("UTC") ? names : ["UTC", ...names];
}
