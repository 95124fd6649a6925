import { duration, inZone, money, percent, relative } from "./format";

test("money keeps sub-cent spend visible", () => {
  expect(money(0)).toBe("$0.00");
  expect(money(0.0004)).toBe("<$0.01");
  expect(money(12.345)).toBe("$12.35");
  expect(money(undefined)).toBe("–");
});

test("times are shown in the task's zone", () => {
  const iso = "2026-07-01T08:00:00Z";
  expect(inZone(iso, "Europe/London")).toContain("09:00");
  expect(inZone(iso, "Asia/Tokyo")).toContain("17:00");
  expect(inZone(null, "UTC")).toBe("–");
});

test("relative, duration and percent read as words", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  expect(relative("2026-01-01T12:05:00Z", now)).toBe("in 5 min.");
  expect(relative("2026-01-01T09:00:00Z", now)).toBe("3 hr. ago");
  expect(duration(850)).toBe("850 ms");
  expect(duration(4200)).toBe("4.2 s");
  expect(percent(0.816)).toBe("82%");
});
