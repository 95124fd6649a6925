import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { page, user } from "../test/fixturesB";
import Admin from "./Admin";

afterEach(() => vi.unstubAllGlobals());

const stats = {
  users: 12,
  active_tasks: 30,
  runs: 200,
  failed_runs: 5,
  failure_rate: 0.025,
  notified_runs: 40,
  notification_rate: 0.2,
  since: "2026-11-29T10:00:00Z",
};

const admin = { "GET /api/v1/me": user({ role: "admin" }), "GET /api/v1/admin/stats": stats };

test("a non-admin sees a friendly 403 and no admin data is asked for", async () => {
  const api = stubApi({ "GET /api/v1/me": user({ role: "user" }) });
  renderB(<Admin />, { url: "/admin" });
  expect(await screen.findByRole("heading", { level: 2, name: "This area is for administrators" })).toBeInTheDocument();
  expect(screen.getByRole("heading", { level: 1, name: "Admin" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Back to your tasks" })).toHaveAttribute("href", "/");
  expect(screen.queryByRole("tablist")).not.toBeInTheDocument();
  expect(api.calls.filter((c) => c.path.startsWith("/api/v1/admin/"))).toHaveLength(0);
});

test("an admin call answering 403 shows the same state", async () => {
  stubApi({ ...admin, "GET /api/v1/admin/stats": problem(403, "This endpoint is for administrators.") });
  renderB(<Admin />, { url: "/admin" });
  expect(await screen.findByRole("heading", { name: "This area is for administrators" })).toBeInTheDocument();
});

test("the overview shows stats as cards and Run reconcile shows the report", async () => {
  const api = stubApi({
    ...admin,
    "POST /api/v1/admin/reconcile": {
      mode: "cloudscheduler",
      started_at: "2026-11-30T10:00:00Z",
      finished_at: "2026-11-30T10:00:01.5Z",
      jobs: { checked: 9, created: 1, updated: 2, paused: 0, resumed: 0, deleted: 3 },
      runs_failed: 1,
      next_runs_repaired: 0,
      runs_retriggered: 4,
      overdue_retriggered: 0,
      notifications_republished: 2,
      errors: ["listing jobs: permission denied"],
    },
  });
  const u = userEvent.setup();
  renderB(<Admin />, { url: "/admin" });
  const cards = await screen.findAllByRole("listitem");
  const failed = cards.find((c) => c.textContent?.startsWith("Failed runs"))!;
  expect(failed).toHaveTextContent("Failed runs53% of runs");
  expect(failed).toHaveClass("bad");
  expect(cards.find((c) => c.textContent?.startsWith("Users"))).toHaveTextContent("12");

  await u.click(screen.getByRole("button", { name: "Run reconcile" }));
  const report = await screen.findByText(/Reconcile finished with 1 failed step/);
  const region = report.closest("[role=status]") as HTMLElement;
  expect(within(region).getByText("listing jobs: permission denied")).toBeInTheDocument();
  expect(within(region).getByText("Jobs deleted").nextSibling).toHaveTextContent("3");
  expect(within(region).getByText(/cloudscheduler mode, 1.5 s/)).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/admin/reconcile")).toHaveLength(1);
});

test("tabs move with the arrow keys and load their lists", async () => {
  stubApi({
    ...admin,
    "GET /api/v1/admin/users": page([user({ email: "ada@example.com", role: "admin" })]),
    "GET /api/v1/admin/tasks": page([]),
  });
  const u = userEvent.setup();
  renderB(<Admin />, { url: "/admin" });
  const overview = await screen.findByRole("tab", { name: "Overview" });
  expect(overview).toHaveAttribute("aria-selected", "true");
  expect(screen.getByRole("tab", { name: "Users" })).toHaveAttribute("tabindex", "-1");
  overview.focus();
  await u.keyboard("{ArrowRight}");
  const users = screen.getByRole("tab", { name: "Users" });
  expect(users).toHaveFocus();
  expect(users).toHaveAttribute("aria-selected", "true");
  expect(screen.getByRole("tabpanel", { name: "Users" })).toBeInTheDocument();
  expect(await screen.findByText("ada@example.com")).toBeInTheDocument();

  await u.keyboard("{ArrowRight}");
  expect(screen.getByRole("tab", { name: "Tasks" })).toHaveFocus();
  expect(await screen.findByText("No tasks yet.")).toBeInTheDocument();
  await u.keyboard("{End}");
  expect(screen.getByRole("tab", { name: "Actions" })).toHaveAttribute("aria-selected", "true");
  await u.keyboard("{ArrowRight}");
  expect(screen.getByRole("tab", { name: "Overview" })).toHaveFocus();
});

test("runs filter by status through the API", async () => {
  const api = stubApi({
    ...admin,
    "GET /api/v1/admin/executions": (c) => ({
      body: page(
        c.query.get("status") === "failed"
          ? [
              {
                id: "r2",
                task_id: "t2",
                scheduled_for: null,
                trigger: "manual",
                status: "failed",
                attempt: 3,
                created_at: "2026-11-30T10:00:00Z",
                started_at: null,
                finished_at: null,
                result: null,
                error: "The model timed out.",
                error_category: "timeout",
                internal_error: "context deadline exceeded",
                usage: { model: "m", prompt_tokens: 0, output_tokens: 0, search_queries: 0, cost_usd: 0 },
                user_id: "u2",
              },
            ]
          : [],
      ),
    }),
  });
  const u = userEvent.setup();
  renderB(<Admin />, { url: "/admin?tab=runs" });
  expect(await screen.findByText("No runs yet.")).toBeInTheDocument();
  await u.selectOptions(screen.getByLabelText("Status"), "failed");
  expect(await screen.findByText("context deadline exceeded")).toBeInTheDocument();
  expect(api.called("GET", "/api/v1/admin/executions").map((c) => c.query.get("status"))).toEqual([null, "failed"]);
});

test("scheduler jobs out of step are highlighted with their drift", async () => {
  const job = (name: string, drift: string[]) => ({
    job: `projects/p/locations/l/jobs/${name}`,
    task_id: "t1",
    user_id: "u1",
    task_state: "active",
    next_run_at: "2099-01-01T00:00:00Z",
    actual: drift.includes("missing") ? null : { schedule: "0 9 * * *", time_zone: "UTC", state: "ENABLED" },
    want: { schedule: "0 9 * * *", time_zone: "UTC", state: "ENABLED" },
    drift,
  });
  const api = stubApi({
    ...admin,
    "GET /api/v1/admin/scheduler/jobs": (c) => ({
      body:
        c.query.get("drift") === "true"
          ? { mode: "cloudscheduler", drifted: 1, jobs: [job("task-bad", ["missing"])] }
          : { mode: "cloudscheduler", drifted: 1, jobs: [job("task-bad", ["missing"]), job("task-good", [])] },
    }),
  });
  const u = userEvent.setup();
  renderB(<Admin />, { url: "/admin?tab=scheduler" });
  expect(await screen.findByText("1 job out of step")).toHaveClass("badge", "bad");
  const bad = screen.getByText("task-bad").closest("tr")!;
  expect(bad).toHaveClass("drift-row");
  expect(within(bad).getByText("missing")).toHaveClass("badge", "bad");
  expect(screen.getByText("task-good").closest("tr")).not.toHaveClass("drift-row");

  await u.click(screen.getByLabelText("Only jobs out of step"));
  await waitFor(() => expect(screen.queryByText("task-good")).not.toBeInTheDocument());
  expect(api.called("GET", "/api/v1/admin/scheduler/jobs").map((c) => c.query.get("drift"))).toEqual(["false", "true"]);
});

test("in sweep mode the scheduler tab says there are no per-task jobs", async () => {
  stubApi({ ...admin, "GET /api/v1/admin/scheduler/jobs": { mode: "sweep", drifted: 0, jobs: [] } });
  renderB(<Admin />, { url: "/admin?tab=scheduler" });
  expect(await screen.findByText(/runs in sweep mode/)).toBeInTheDocument();
});

test("an admin can run any task now and pause it, and hears how it went", async () => {
  const task = {
    id: "t9",
    name: "Rival's pricing",
    search_query: "q",
    condition_description: "q",
    schedule: "0 9 * * *",
    timezone: "Europe/London",
    notify_behavior: "always",
    notifications: [],
    urls: [],
    state: "active",
    next_run_at: "2099-01-01T09:00:00Z",
    last_run_at: null,
    created_at: "2026-11-30T10:00:00Z",
    updated_at: "2026-11-30T10:00:00Z",
    state_changed_at: "2026-11-30T10:00:00Z",
    user_id: "u9",
  };
  let current = task;
  const api = stubApi({
    ...admin,
    "GET /api/v1/admin/tasks": () => ({ body: page([current]) }),
    "POST /api/v1/admin/tasks/t9/run": problem(409, "The task has a run in progress."),
    "POST /api/v1/admin/tasks/t9/state": (c) => {
      current = { ...task, state: (c.body as { state: string }).state };
      return { body: current };
    },
  });
  const u = userEvent.setup();
  renderB(<Admin />, { url: "/admin?tab=tasks" });
  await u.click(await screen.findByRole("button", { name: "Run Rival's pricing now" }));
  expect(await screen.findByText("“Rival's pricing” could not run: The task has a run in progress.")).toBeInTheDocument();

  await u.click(screen.getByRole("button", { name: "Pause Rival's pricing" }));
  expect(await screen.findByText("“Rival's pricing” is now paused.")).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/admin/tasks/t9/state")[0]!.body).toEqual({ state: "paused" });
  expect(await screen.findByRole("button", { name: "Resume Rival's pricing" })).toBeInTheDocument();
});
