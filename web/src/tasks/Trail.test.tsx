import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { stubApi } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import type { Step } from "./api";
import { makeRun } from "./testdata";
import { RunItem } from "./Timeline";

vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const at = "2026-11-30T10:00:01Z";
const steps: Step[] = [
  { kind: "model", attempt: 1, at, duration_ms: 1200, purpose: "search", model: "gemini-3.5-flash", prompt_tokens: 900, output_tokens: 100, cost_usd: 0.0004 },
  { kind: "search", attempt: 1, at, duration_ms: 1200, queries: ["iphone 18 release date"], results: 3, cost_usd: 0.035 },
  { kind: "page", attempt: 1, at, duration_ms: 85, url: "https://www.apple.com/newsroom/", status: 200, bytes: 51_200 },
  { kind: "page", attempt: 1, at, duration_ms: 10_000, url: "https://slow.example.com/", failure: "the page did not answer within 10s" },
  { kind: "retry", attempt: 1, at, duration_ms: 2000, purpose: "decide", model: "gemini-3.5-flash", failure: "the model is overloaded" },
  { kind: "model", attempt: 1, at, duration_ms: 700, purpose: "decide", model: "gemini-3.5-flash", prompt_tokens: 300, output_tokens: 200, cost_usd: 0.0002 },
  { kind: "decision", attempt: 1, at, duration_ms: 700, notifies: false, confidence: 40, silence_reason: "low_confidence" },
];

test("a run's steps open as a compact timeline, read once opened, with failures in plain words", async () => {
  const run = makeRun({ id: "r1" });
  const api = stubApi([["GET", `/api/v1/executions/${run.id}`, { body: { ...run, steps } }]]);
  renderScreen(
    <ul>
      <RunItem run={run} zone="UTC" />
    </ul>,
  );
  expect(api.calls.filter((c) => c.path.startsWith("/api/v1/executions/"))).toHaveLength(0);
  await userEvent.click(screen.getByText("Steps"));
  const list = await screen.findByRole("list", { name: "Steps, in order" });
  const items = within(list).getAllByRole("listitem");
  expect(items).toHaveLength(steps.length);
  expect(items[0]).toHaveTextContent("Model call");
  expect(items[0]).toHaveTextContent("gemini-3.5-flash, searching");
  expect(items[0]).toHaveTextContent("1.2 s");
  expect(items[0]).toHaveTextContent("1,000 tokens (900 in, 100 out)");
  expect(items[0]).toHaveTextContent("$0.0004");
  expect(items[1]).toHaveTextContent("Search");
  expect(items[1]).toHaveTextContent("“iphone 18 release date”: 3 pages");
  expect(items[2]).toHaveTextContent("https://www.apple.com/newsroom/ · HTTP 200 · 50 KiB");
  expect(items[2]).toHaveTextContent("85 ms");
  expect(items[3]).toHaveTextContent("the page did not answer within 10s");
  expect(items[4]).toHaveTextContent("Retry");
  expect(items[4]).toHaveTextContent("after 2.0 s");
  expect(items[4]).toHaveTextContent("the model is overloaded");
  expect(items[6]).toHaveTextContent("Decision");
  expect(items[6]).toHaveTextContent("Stay silent:");
  expect(api.calls.filter((c) => c.path === `/api/v1/executions/${run.id}`)).toHaveLength(1);
});

test("a run without steps says so", async () => {
  const run = makeRun({ id: "r2" });
  stubApi([["GET", `/api/v1/executions/${run.id}`, { body: { ...run, steps: [] } }]]);
  renderScreen(
    <ul>
      <RunItem run={run} zone="UTC" />
    </ul>,
  );
  await userEvent.click(screen.getByText("Steps"));
  expect(await screen.findByText("This run recorded no steps.")).toBeInTheDocument();
});
