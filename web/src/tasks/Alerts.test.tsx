import { screen } from "@testing-library/react";
import { makeTask } from "./testdata";
import { problem, stubApi } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import TaskDetail from "../screens/TaskDetail";

afterEach(() => vi.unstubAllGlobals());

const ID = "11111111-1111-4111-8111-111111111111";
const T = `/api/v1/tasks/${ID}`;
const page = (data: unknown[]) => ({ body: { data, next_cursor: null } });

test("a task shows its open alerts in plain words and its spend against its budget", async () => {
  const task = makeTask({
    month_spend_usd: 1.2,
    monthly_budget_usd: 2,
    open_alerts: [
      {
        id: "a1",
        task_id: ID,
        cause: "spend_cap",
        message: "Not run: this watch's model spend this month ($1.20) has reached, or with this run would pass, its monthly budget of $2.00.",
        advice: "Its runs start again on 1 January (UTC).",
        open: true,
        opened_at: "2026-12-01T06:00:00Z",
        resolved_at: null,
      },
    ],
  });
  stubApi([
    ["GET", T, { body: task }],
    ["GET", `${T}/executions`, page([])],
    ["GET", `${T}/notifications`, page([])],
    ["GET", "/api/v1/emails", page([])],
    ["GET", "/api/v1/webhook", problem(404, "No webhook.")],
  ]);
  renderScreen(<TaskDetail />, { route: `/tasks/${ID}`, path: "/tasks/:id" });
  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent("Not run: spend cap reached");
  expect(alert).toHaveTextContent("has reached, or with this run would pass, its monthly budget of $2.00.");
  expect(alert).toHaveTextContent("Its runs start again on 1 January (UTC).");
  expect(screen.getByText("of a $2.00 monthly budget")).toBeInTheDocument();
});
