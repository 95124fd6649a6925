import { DEFAULT_CHOICE, fromCron, toCron, type ScheduleChoice } from "./schedule";

const choice = (c: Partial<ScheduleChoice>): ScheduleChoice => ({ ...DEFAULT_CHOICE, ...c });

test("each preset maps to the API's schedule", () => {
  expect(toCron(choice({ preset: "agent", cron: "0 9 * * *" }))).toBe("");
  expect(toCron(choice({ preset: "hourly" }))).toBe("0 * * * *");
  expect(toCron(choice({ preset: "daily", time: "07:30" }))).toBe("30 7 * * *");
  expect(toCron(choice({ preset: "daily", time: "00:05" }))).toBe("5 0 * * *");
  expect(toCron(choice({ preset: "weekly", time: "18:00", day: 5 }))).toBe("0 18 * * 5");
  expect(toCron(choice({ preset: "weekly", time: "09:00", day: 0 }))).toBe("0 9 * * 0");
  expect(toCron(choice({ preset: "custom", cron: "  */15   9-17 * * 1-5 " }))).toBe("*/15 9-17 * * 1-5");
  // A time input cleared by hand still gives a valid expression rather than "NaN".
  expect(toCron(choice({ preset: "daily", time: "" }))).toBe("0 9 * * *");
});

test("a stored schedule reads back as the preset that makes it", () => {
  expect(fromCron("")).toEqual(DEFAULT_CHOICE);
  expect(fromCron("0 * * * *").preset).toBe("hourly");
  expect(fromCron("@hourly").preset).toBe("hourly");
  expect(fromCron("30 7 * * *")).toEqual(choice({ preset: "daily", time: "07:30" }));
  expect(fromCron("@daily")).toEqual(choice({ preset: "daily", time: "00:00" }));
  expect(fromCron("0 18 * * 5")).toEqual(choice({ preset: "weekly", time: "18:00", day: 5 }));
  expect(fromCron("0 9 * * 7")).toEqual(choice({ preset: "weekly", time: "09:00", day: 0 }));
  expect(fromCron("@weekly")).toEqual(choice({ preset: "weekly", time: "00:00", day: 0 }));
  expect(fromCron("*/15 * * * *")).toEqual(choice({ preset: "custom", cron: "*/15 * * * *" }));
  expect(fromCron("0 9 * * 1-5").preset).toBe("custom");
  expect(fromCron("0 9 1 * *").preset).toBe("custom");
  expect(fromCron("0 24 * * *").preset).toBe("custom");
});

test("round trip: every non-custom choice survives toCron then fromCron", () => {
  for (const c of [
    choice({ preset: "hourly" }),
    choice({ preset: "daily", time: "23:59" }),
    choice({ preset: "weekly", time: "06:15", day: 3 }),
  ]) {
    expect(fromCron(toCron(c))).toEqual(c);
  }
});
