import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { makeRun, makeTask } from "../tasks/testdata";
import { problem, stubApi } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import Tasks from "./Tasks";

vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

test("each task shows its state, last result, next run with why, and month's spend", async () => {
  const notified = makeRun({ result: { ...makeRun().result!, notification: "It is out", confidence: 91 } });
  stubApi([
    [
      "GET",
      "/api/v1/tasks",
      {
        body: {
          data: [
            makeTask({ last_execution: notified, month_spend_usd: 1.234 }),
            makeTask({ id: "b", name: "Steam sale", state: "paused", last_execution: null, month_spend_usd: 0 }),
          ],
          next_cursor: null,
        },
      },
    ],
  ]);
  renderScreen(<Tasks />);
  expect(screen.getByRole("heading", { level: 1, name: "Tasks" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "New task" })).toHaveAttribute("href", "/tasks/new");
  const first = (await screen.findByRole("heading", { name: "iPhone release date" })).closest("li")!;
  expect(within(first).getByText("Active")).toBeInTheDocument();
  expect(within(first).getByText("Notified")).toBeInTheDocument();
  expect(within(first).getByText("91% confidence")).toBeInTheDocument();
  expect(within(first).getByText("Its schedule: every Monday at 09:00")).toBeInTheDocument();
  // 08:00 UTC is 09:00 in Berlin, the task's zone.
  expect(within(first).getByText(/Mon, 7 Dec 2026, 09:00/)).toBeInTheDocument();
  expect(within(first).getByText("$1.23")).toBeInTheDocument();
  const second = screen.getByRole("heading", { name: "Steam sale" }).closest("li")!;
  expect(within(second).getByText("Paused")).toBeInTheDocument();
  expect(within(second).getByText("No runs yet")).toBeInTheDocument();
  expect(within(second).getByText("$0.00")).toBeInTheDocument();
});

test("the State filter asks the API for that state only", async () => {
  const api = stubApi([
    ["GET", "/api/v1/tasks", ({ query }) => ({ body: { data: query.get("state") === "paused" ? [] : [makeTask()], next_cursor: null } })],
  ]);
  renderScreen(<Tasks />);
  await screen.findByRole("heading", { name: "iPhone release date" });
  await userEvent.selectOptions(screen.getByLabelText("State"), "Paused");
  expect(await screen.findByRole("heading", { name: "No paused tasks" })).toBeInTheDocument();
  expect(api.called("GET", "/api/v1/tasks").at(-1)!.query.get("state")).toBe("paused");
  await userEvent.click(screen.getByRole("button", { name: "Show all tasks" }));
  expect(await screen.findByRole("heading", { name: "iPhone release date" })).toBeInTheDocument();
  expect(api.called("GET", "/api/v1/tasks").at(-1)!.query.get("state")).toBeNull();
});

test("more pages load with the API's cursor", async () => {
  const api = stubApi([
    [
      "GET",
      "/api/v1/tasks",
      ({ query }) =>
        query.get("cursor") === "c2"
          ? { body: { data: [makeTask({ id: "z", name: "Older task" })], next_cursor: null } }
          : { body: { data: [makeTask()], next_cursor: "c2" } },
    ],
  ]);
  renderScreen(<Tasks />);
  await userEvent.click(await screen.findByRole("button", { name: "Show more tasks" }));
  expect(await screen.findByRole("heading", { name: "Older task" })).toBeInTheDocument();
  expect(screen.getByRole("heading", { name: "iPhone release date" })).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Show more tasks" })).not.toBeInTheDocument();
  expect(api.called("GET", "/api/v1/tasks")).toHaveLength(2);
});

test("with no tasks, examples open the form filled in", async () => {
  stubApi([["GET", "/api/v1/tasks", { body: { data: [], next_cursor: null } }]]);
  const r = renderScreen(<Tasks />, { path: "/" });
  const example = await screen.findByRole("link", { name: "When does the Steam summer sale start?" });
  await userEvent.click(example);
  expect(r.location()).toBe("/tasks/new?q=When%20does%20the%20Steam%20summer%20sale%20start%3F");
});

test("a failed load says so and offers a retry", async () => {
  stubApi([["GET", "/api/v1/tasks", problem(500, "boom")]]);
  renderScreen(<Tasks />);
  expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong on our side");
  expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
});
