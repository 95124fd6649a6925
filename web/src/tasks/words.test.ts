import { spendByDay } from "./SpendChart";
import { due } from "./api";
import { makeRun } from "./testdata";
import { failureWords, outcome, runDuration } from "./words";

test("failures read as sentences, with the API's detail after them", () => {
  expect(failureWords({ status: "failed", error: "deadline exceeded", error_category: "timeout" })).toBe(
    "The check took too long and was stopped before the agent reached an answer. Details: deadline exceeded",
  );
  expect(failureWords({ status: "retrying", error_category: "network" })).toBe(
    "Torale could not reach the search service, so the check did not run to the end. Torale will try again shortly.",
  );
  expect(failureWords({ status: "failed", error: "odd" })).toBe("The check failed. Details: odd");
  expect(failureWords({ status: "success" })).toBeUndefined();
});

test("a run's outcome: notified, silent, or its status", () => {
  const silent = makeRun();
  expect(outcome(silent)).toEqual({ label: "Stayed silent", tone: "" });
  expect(outcome(makeRun({ result: { ...silent.result!, notification: "hi" } }))).toEqual({ label: "Notified", tone: "ok" });
  expect(outcome(makeRun({ status: "failed", result: null }))).toEqual({ label: "Failed", tone: "bad" });
  expect(runDuration(silent)).toBe(4000);
  expect(runDuration(makeRun({ finished_at: null }))).toBeUndefined();
});

test("spend is summed per day in the task's zone", () => {
  const runs = [
    // 23:30 UTC on the 1st is already the 2nd in Berlin.
    makeRun({ started_at: "2026-12-01T23:30:00Z", usage: { ...makeRun().usage, cost_usd: 0.5 } }),
    makeRun({ started_at: "2026-12-02T08:00:00Z", usage: { ...makeRun().usage, cost_usd: 0.25 } }),
    makeRun({ started_at: "2026-12-01T08:00:00Z", usage: { ...makeRun().usage, cost_usd: 0.1 } }),
  ];
  expect(spendByDay(runs, "Europe/Berlin")).toEqual([
    { day: "2026-12-01", cost: 0.1, runs: 1 },
    { day: "2026-12-02", cost: 0.75, runs: 2 },
  ]);
  expect(spendByDay(runs, "UTC").map((d) => d.day)).toEqual(["2026-12-01", "2026-12-02"]);
  expect(spendByDay(runs, "UTC")[0]).toEqual({ day: "2026-12-01", cost: 0.6, runs: 2 });
});

test("a task is due when active and its next run is within a minute or past", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  expect(due({ state: "active", next_run_at: "2026-12-01T12:00:30Z" }, now)).toBe(true);
  expect(due({ state: "active", next_run_at: "2026-12-01T11:00:00Z" }, now)).toBe(true);
  expect(due({ state: "active", next_run_at: "2026-12-01T12:05:00Z" }, now)).toBe(false);
  expect(due({ state: "paused", next_run_at: "2026-12-01T11:00:00Z" }, now)).toBe(false);
  expect(due({ state: "active", next_run_at: null }, now)).toBe(false);
});
