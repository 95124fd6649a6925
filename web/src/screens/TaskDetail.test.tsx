import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { makeNotified, makeRun, makeTask } from "../tasks/testdata";
import { problem, stubApi, type Route } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import TaskDetail from "./TaskDetail";

vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const ID = "11111111-1111-4111-8111-111111111111";
const T = `/api/v1/tasks/${ID}`;
const page = (data: unknown[]) => ({ body: { data, next_cursor: null } });

function open(routes: Route[], route = T.replace("/api/v1", "")) {
  const api = stubApi([
    ["GET", T, { body: makeTask() }],
    ["GET", `${T}/executions`, page([])],
    ["GET", `${T}/notifications`, page([])],
    ["GET", "/api/v1/emails", page([])],
    ["GET", "/api/v1/webhook", { body: { url: "", enabled: false, secret: "whsec_x", previous_secret_expires_at: null, rotated_at: null, updated_at: "2026-11-01T00:00:00Z", disabled_endpoints: [] } }],
    ...routes,
  ]);
  const r = renderScreen(<TaskDetail />, { route, path: "/tasks/:id" });
  return { api, r };
}

test("the task's latest evidence, next run and why, runs, notifications and spend", async () => {
  const silent = makeRun({ id: "r1" });
  const failed = makeRun({
    id: "r2",
    status: "failed",
    result: null,
    error: "the model answered 429",
    error_category: "rate_limit",
    created_at: "2026-11-29T10:00:00Z",
    started_at: "2026-11-29T10:00:00Z",
    finished_at: "2026-11-29T10:00:02Z",
    usage: { model: "gemini", prompt_tokens: 0, output_tokens: 0, search_queries: 0, cost_usd: 0 },
  });
  const sent = makeNotified({
    deliveries: [
      {
        id: "d1",
        execution_id: "33333333-3333-4333-8333-333333333333",
        task_id: ID,
        channel: "webhook",
        target: "https://hooks.example.com/t",
        status: "delivered",
        redelivery_of: null,
        attempts: 2,
        next_attempt_at: "2026-11-30T10:00:00Z",
        created_at: "2026-11-30T10:00:05Z",
        delivered_at: "2026-11-30T10:01:00Z",
        attempt_log: [
          { attempted_at: "2026-11-30T10:00:06Z", ok: false, response_code: 503, latency_ms: 120, error: "503 Service Unavailable" },
          { attempted_at: "2026-11-30T10:01:00Z", ok: true, response_code: 200, latency_ms: 80 },
        ],
      },
    ],
  });
  open([
    ["GET", `${T}/executions`, page([silent, failed])],
    ["GET", `${T}/notifications`, page([sent])],
  ]);
  expect(await screen.findByRole("heading", { level: 1, name: "iPhone release date" })).toBeInTheDocument();
  const latest = screen.getByRole("region", { name: "Latest result" });
  expect(await within(latest).findByText("Apple has not announced a date yet; reports point to September.")).toBeInTheDocument();
  expect(within(latest).getByRole("link", { name: "Apple Newsroom" })).toHaveAttribute("href", "https://www.apple.com/newsroom/");
  expect(within(latest).getByText(/74%/)).toBeInTheDocument();
  const next = screen.getByRole("region", { name: "Next run" });
  expect(within(next).getByText("Its schedule: every Monday at 09:00")).toBeInTheDocument();
  expect(within(next).getByText(/Mon, 7 Dec 2026, 09:00/)).toBeInTheDocument();
  expect(within(next).getByText("At 09:00 on Monday")).toBeInTheDocument();

  const runs = screen.getByRole("list", { name: "Runs, newest first" });
  const [first, second] = within(runs).getAllByRole("listitem");
  expect(first).toHaveTextContent("Stayed silent");
  expect(first).toHaveTextContent("Why it stayed silent: Apple has not announced a date yet");
  expect(first).toHaveTextContent("Took 4.0 s");
  expect(first).toHaveTextContent("1,500 tokens (1,200 in, 300 out)");
  expect(first).toHaveTextContent("Cost $0.0031");
  // 10:00 UTC is 11:00 in Berlin.
  expect(first).toHaveTextContent("Mon, 30 Nov 2026, 11:00");
  expect(second).toHaveTextContent("Failed");
  expect(second).toHaveTextContent("The search service was busy and asked Torale to slow down");
  expect(second).toHaveTextContent("Details: the model answered 429");

  const notes = screen.getByRole("list", { name: "Notifications, newest first" });
  expect(within(notes).getByText("Apple announced the date: 19 September.")).toBeInTheDocument();
  expect(within(notes).getByText("Delivered")).toBeInTheDocument();
  expect(within(notes).getByText(/2 attempts/)).toBeInTheDocument();
  await userEvent.click(within(notes).getByText("Attempts on webhook (2)"));
  const rows = within(notes).getAllByRole("row");
  expect(rows[1]).toHaveTextContent("failed");
  expect(rows[1]).toHaveTextContent("503");
  expect(rows[1]).toHaveTextContent("120 ms");
  expect(rows[1]).toHaveTextContent("503 Service Unavailable");
  expect(rows[2]).toHaveTextContent("ok");

  const chart = await screen.findByRole("img", { name: /Cost per day/ });
  expect(chart).toHaveAccessibleName(/\$0\.0031 over 2 days with runs/);
});

test("Run now polls the runs until the new one finishes, and its result appears without a reload", async () => {
  let state: "none" | "pending" | "done" = "none";
  const done = makeRun({ id: "new", result: { ...makeRun().result!, evidence: "The date is out: 19 September.", notification: "It ships 19 September.", confidence: 95 } });
  const { api } = open([
    ["POST", `${T}/run`, () => ((state = "pending"), { status: 202, body: makeRun({ id: "new", status: "pending", started_at: null, finished_at: null, result: null }) })],
    [
      "GET",
      `${T}/executions`,
      () => {
        if (state === "none") return page([]);
        if (state === "pending") {
          state = "done";
          return page([makeRun({ id: "new", status: "running", finished_at: null, result: null })]);
        }
        return page([done]);
      },
    ],
  ]);
  await screen.findByText("No runs yet.");
  await userEvent.click(screen.getByRole("button", { name: "Run now" }));
  expect(await screen.findByText(/A run is in progress/)).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Run now" })).toBeDisabled();
  const latest = screen.getByRole("region", { name: "Latest result" });
  expect(await within(latest).findByText("The date is out: 19 September.", {}, { timeout: 8000 })).toBeInTheDocument();
  expect(within(latest).getByText("It ships 19 September.")).toBeInTheDocument();
  expect(screen.queryByText(/A run is in progress/)).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Run now" })).toBeEnabled();
  expect(api.called("POST", `${T}/run`)).toHaveLength(1);
  expect(api.called("GET", `${T}/executions`).length).toBeGreaterThanOrEqual(3);
  // Once it finished, the task and its notifications were fetched again.
  await waitFor(() => expect(api.called("GET", `${T}/notifications`).length).toBeGreaterThanOrEqual(2));
  expect(api.called("GET", T).length).toBeGreaterThanOrEqual(2);
});

test("a new task's first run, started by the scheduler, appears without a reload", async () => {
  let calls = 0;
  const first = makeRun({ id: "first", trigger: "schedule", result: { ...makeRun().result!, evidence: "First look: nothing yet." } });
  const { api } = open([
    ["GET", T, () => ({ body: makeTask({ next_run_at: new Date(Date.now() - 1000).toISOString(), last_execution: calls > 1 ? first : null }) })],
    ["GET", `${T}/executions`, () => (++calls > 1 ? page([first]) : page([]))],
  ]);
  expect(await screen.findByText("No runs yet.")).toBeInTheDocument();
  const latest = screen.getByRole("region", { name: "Latest result" });
  expect(await within(latest).findByText("First look: nothing yet.", {}, { timeout: 8000 })).toBeInTheDocument();
  expect(api.called("POST", `${T}/run`)).toHaveLength(0);
  // Seeing a run it did not know, the page fetched the task again (its next run has moved).
  await waitFor(() => expect(api.called("GET", T).length).toBeGreaterThanOrEqual(2));
});

test("a run already in progress (409) is explained", async () => {
  const { api } = open([["POST", `${T}/run`, ({ query }) => (query.get("force") === "true" ? { status: 202, body: makeRun({ status: "pending" }) } : problem(409, "a run is unfinished"))]]);
  await userEvent.click(await screen.findByRole("button", { name: "Run now" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("A run of this task is already in progress");
  await userEvent.click(screen.getByRole("button", { name: "Cancel it and run again" }));
  await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  expect(api.called("POST", `${T}/run`).map((c) => c.query.get("force"))).toEqual([null, "true"]);
});

test("Delete asks first, then deletes and goes back to the list", async () => {
  const { api, r } = open([["DELETE", T, { status: 204 }]]);
  await userEvent.click(await screen.findByRole("button", { name: "Delete" }));
  const dialog = screen.getByRole("alertdialog", { name: "Delete this task?" });
  // Cancel keeps the task.
  await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  expect(api.called("DELETE", T)).toHaveLength(0);
  await userEvent.click(screen.getByRole("button", { name: "Delete" }));
  await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete task" }));
  await waitFor(() => expect(r.location()).toBe("/"));
  expect(api.called("DELETE", T)).toHaveLength(1);
});

test("Pause and Resume change the state and the page follows", async () => {
  let paused = false;
  const { api } = open([
    ["GET", T, () => ({ body: makeTask({ state: paused ? "paused" : "active" }) })],
    ["POST", `${T}/pause`, () => ((paused = true), { body: makeTask({ state: "paused" }) })],
    ["POST", `${T}/resume`, () => ((paused = false), { body: makeTask() })],
  ]);
  await userEvent.click(await screen.findByRole("button", { name: "Pause" }));
  const resume = await screen.findByRole("button", { name: "Resume" });
  expect(screen.getByText("Paused", { selector: ".badge" })).toBeInTheDocument();
  await userEvent.click(resume);
  expect(await screen.findByRole("button", { name: "Pause" })).toBeInTheDocument();
  expect(api.called("POST", `${T}/pause`)).toHaveLength(1);
  expect(api.called("POST", `${T}/resume`)).toHaveLength(1);
});

test("editing a task whose condition is its query leaves the condition following the query", async () => {
  const { api } = open([
    ["GET", T, { body: makeTask({ condition_description: "next iPhone release date", schedule: "", notifications: [{ type: "webhook" }] }) }],
    ["PATCH", T, { body: makeTask() }],
  ]);
  await userEvent.click(await screen.findByRole("button", { name: "Edit" }));
  expect(screen.getByLabelText("Notify me when")).toHaveValue("");
  expect(screen.getByLabelText("Schedule")).toHaveDisplayValue("Let the agent decide");
  // The task's webhook stays chosen even with no default webhook loaded.
  expect(await screen.findByRole("checkbox", { name: "My webhook" })).toBeChecked();
  await userEvent.clear(screen.getByLabelText("What should Torale look for?"));
  await userEvent.type(screen.getByLabelText("What should Torale look for?"), "iPhone 18 release date");
  await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(api.called("PATCH", T)).toHaveLength(1));
  expect(api.called("PATCH", T)[0]!.body).toMatchObject({ search_query: "iPhone 18 release date", condition_description: "", schedule: "", notifications: [{ type: "webhook" }] });
});

test("Edit opens the form filled in and saves with PATCH", async () => {
  const { api } = open([["PATCH", T, { body: makeTask({ name: "Renamed" }) }]]);
  await userEvent.click(await screen.findByRole("button", { name: "Edit" }));
  expect(screen.getByRole("heading", { level: 2, name: "Edit task" })).toBeInTheDocument();
  expect(screen.getByLabelText("What should Torale look for?")).toHaveValue("next iPhone release date");
  expect(screen.getByLabelText("Schedule")).toHaveDisplayValue("Every week on…");
  expect(screen.getByLabelText("Day")).toHaveDisplayValue("Monday");
  expect(screen.getByLabelText("Time")).toHaveValue("09:00");
  expect(screen.getByLabelText("Time zone")).toHaveValue("Europe/Berlin");
  const name = screen.getByLabelText("Name");
  await userEvent.clear(name);
  await userEvent.type(name, "Renamed");
  await userEvent.selectOptions(screen.getByLabelText("Schedule"), "Let the agent decide");
  await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(screen.queryByRole("heading", { name: "Edit task" })).not.toBeInTheDocument());
  expect(api.called("PATCH", T)[0]!.body).toEqual({
    search_query: "next iPhone release date",
    condition_description: "Apple has announced the release date",
    name: "Renamed",
    schedule: "",
    timezone: "Europe/Berlin",
    notify_behavior: "once",
    notifications: [],
  });
});

test("a task that does not exist shows a friendly not-found page", async () => {
  open([["GET", T, problem(404, "no such task")]]);
  expect(await screen.findByRole("heading", { level: 1, name: "Task not found" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Go to your tasks" })).toHaveAttribute("href", "/");
});

test("a task's pages and background show, and clearing the pages in the form sends an empty list", async () => {
  const task = makeTask({ urls: ["https://www.apple.com/newsroom/", "http://example.com/iphone"], context: "I already own the 15 Pro." });
  const { api } = open([
    ["GET", T, { body: task }],
    ["PATCH", T, { body: makeTask() }],
  ]);
  expect(await screen.findByText("https://www.apple.com/newsroom/, http://example.com/iphone")).toBeInTheDocument();
  expect(screen.getByText("I already own the 15 Pro.")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Edit" }));
  const pages = await screen.findByLabelText("Pages to read");
  expect(pages).toHaveValue("https://www.apple.com/newsroom/\nhttp://example.com/iphone");
  await userEvent.clear(pages);
  await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() => expect(api.called("PATCH", T)).toHaveLength(1));
  const body = api.called("PATCH", T)[0]!.body as Record<string, unknown>;
  expect(body.urls).toEqual([]);
  expect(body).not.toHaveProperty("context");
});

test("a silent run says why in the reason's words, keeps its evidence, and the task counts its silent runs", async () => {
  const reasoned = makeRun({ id: "r1", silence_reason: "nothing_new" });
  const unsure = makeRun({ id: "r2", silence_reason: "low_confidence", created_at: "2026-11-29T10:00:00Z" });
  const task = makeTask({
    silence_summary: { runs: 12, silent: 12, by_reason: { nothing_new: 9, low_confidence: 2, failed: 1 }, sentence: "12 silent runs: 9 nothing new, 2 low confidence, 1 failed" },
  });
  open([
    ["GET", T, { body: task }],
    ["GET", `${T}/executions`, page([reasoned, unsure])],
  ]);
  const runs = await screen.findByRole("list", { name: "Runs, newest first" });
  const [first, second] = within(runs).getAllByRole("listitem");
  expect(first).toHaveTextContent("Why it stayed silent: Nothing new: what you watch for was already reported.");
  expect(first).toHaveTextContent("Apple has not announced a date yet; reports point to September.");
  expect(second).toHaveTextContent("Why it stayed silent: The agent found something but was not sure enough to tell you.");
  expect(screen.getByText("12 silent runs: 9 nothing new, 2 low confidence, 1 failed")).toBeInTheDocument();
  expect(screen.getByText(/of the last 12/)).toBeInTheDocument();
});
