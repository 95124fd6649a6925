import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { makeTask } from "../tasks/testdata";
import { problem, stubApi, type Route } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import NewTask from "./NewTask";

vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const emails = {
  data: [
    { email: "me@example.com", verified: true, verified_at: null, code_expires_at: null, account: true },
    { email: "work@example.com", verified: true, verified_at: "2026-11-01T00:00:00Z", code_expires_at: null, account: false },
    { email: "pending@example.com", verified: false, verified_at: null, code_expires_at: "2026-12-01T00:00:00Z", account: false },
  ],
  next_cursor: null,
};
const webhook = { url: "https://hooks.example.com/t", enabled: true, secret: "whsec_x", previous_secret_expires_at: null, rotated_at: null, updated_at: "2026-11-01T00:00:00Z", disabled_endpoints: [] };

function base(extra: Route[] = []): Route[] {
  return [["GET", "/api/v1/emails", { body: emails }], ["GET", "/api/v1/webhook", { body: webhook }], ...extra];
}

test("an empty form goes to the API, and its 422 speaks at the fields with a summary on top", async () => {
  const api = stubApi(
    base([
      [
        "POST",
        "/api/v1/tasks",
        problem(422, "Some fields are not valid; see errors.", [
          { field: "search_query", message: "is required" },
          { field: "notifications[0].address", message: "must be a plain email address" },
        ]),
      ],
    ]),
  );
  renderScreen(<NewTask />, { route: "/tasks/new" });
  expect(screen.getByRole("heading", { level: 1, name: "New task" })).toBeInTheDocument();
  await screen.findByRole("checkbox", { name: "me@example.com" });
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  const query = screen.getByLabelText("What should Torale look for?");
  await waitFor(() => expect(query).toHaveAccessibleDescription(/is required/));
  expect(query).toHaveAttribute("aria-invalid", "true");
  const summary = screen.getByRole("alert");
  expect(summary).toHaveTextContent("The task was not created. Some fields are not valid; see errors.");
  expect(summary).toHaveFocus();
  expect(within(summary).getByRole("button", { name: "What should Torale look for?" })).toBeInTheDocument();
  expect(screen.getByRole("group", { name: "Send to" })).toHaveTextContent("must be a plain email address");
  // The form sent what was typed; the API, not the page, decided it was not enough.
  expect(api.called("POST", "/api/v1/tasks")[0]!.body).toMatchObject({ search_query: "" });
  // The summary's entries move focus to their field; typing clears that field's error.
  await userEvent.click(within(summary).getByRole("button", { name: "What should Torale look for?" }));
  expect(query).toHaveFocus();
  await userEvent.type(query, "x");
  expect(query).not.toHaveAccessibleDescription(/is required/);
});

test("a full form creates the task with the chosen schedule, zone and channels, then opens it", async () => {
  const api = stubApi(
    base([
      ["POST", "/api/v1/tasks", { status: 201, body: makeTask({ id: "new-id" }) }],
      ["POST", "/api/v1/schedules/preview", { body: { schedule: "30 7 * * 5", timezone: "Asia/Tokyo", next_runs: [] } }],
    ]),
  );
  const r = renderScreen(<NewTask />, { route: "/tasks/new", path: "/tasks/new" });
  await userEvent.type(screen.getByLabelText("What should Torale look for?"), "next iPhone release date");
  await userEvent.type(screen.getByLabelText("Notify me when"), "Apple announced the date");
  await userEvent.type(screen.getByLabelText("Name"), "iPhone");
  await userEvent.selectOptions(screen.getByLabelText("Schedule"), "Every week on…");
  await userEvent.selectOptions(screen.getByLabelText("Day"), "Friday");
  const time = screen.getByLabelText("Time");
  await userEvent.clear(time);
  await userEvent.type(time, "07:30");
  const zone = screen.getByLabelText("Time zone");
  await userEvent.clear(zone);
  await userEvent.type(zone, "Asia/Tokyo");
  expect(screen.getByText("At 07:30 on Friday")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("radio", { name: "Every time it is met" }));
  // The sign-in address is chosen by default; one email per task, so picking another swaps it.
  const me = await screen.findByRole("checkbox", { name: "me@example.com" });
  expect(me).toBeChecked();
  expect(screen.queryByRole("checkbox", { name: "pending@example.com" })).not.toBeInTheDocument();
  await userEvent.click(screen.getByRole("checkbox", { name: "work@example.com" }));
  expect(me).not.toBeChecked();
  await userEvent.click(screen.getByRole("checkbox", { name: "My webhook" }));
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  await waitFor(() => expect(r.location()).toBe("/tasks/new-id"));
  expect(api.called("POST", "/api/v1/tasks")[0]!.body).toEqual({
    search_query: "next iPhone release date",
    condition_description: "Apple announced the date",
    name: "iPhone",
    schedule: "30 7 * * 5",
    timezone: "Asia/Tokyo",
    notify_behavior: "always",
    notifications: [{ type: "email", address: "work@example.com" }, { type: "webhook" }],
    run_immediately: true,
  });
});

test("an example from the task list arrives prefilled, and the agent-decides preset sends no schedule", async () => {
  const api = stubApi(base([["POST", "/api/v1/tasks", { status: 201, body: makeTask({ id: "t1" }) }]]));
  renderScreen(<NewTask />, { route: "/tasks/new?q=When%20does%20the%20Steam%20summer%20sale%20start%3F" });
  expect(screen.getByLabelText("What should Torale look for?")).toHaveValue("When does the Steam summer sale start?");
  expect(screen.getByLabelText("Schedule")).toHaveDisplayValue("Let the agent decide");
  expect(screen.getByRole("radio", { name: "Once, then stop" })).toBeChecked();
  await screen.findByRole("checkbox", { name: "me@example.com" });
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  await waitFor(() => expect(api.called("POST", "/api/v1/tasks")).toHaveLength(1));
  const sent = api.called("POST", "/api/v1/tasks")[0]!.body as Record<string, unknown>;
  expect(sent).not.toHaveProperty("schedule");
  expect(sent).not.toHaveProperty("name");
  expect(sent.notifications).toEqual([{ type: "email", address: "me@example.com" }]);
});

test("a custom cron reads in words with its next five runs, and the API's complaint shows at the field", async () => {
  const api = stubApi(
    base([
      [
        "POST",
        "/api/v1/schedules/preview",
        ({ body }) =>
          (body as { schedule: string }).schedule === "*/5 * * *"
            ? problem(422, "Some fields are not valid; see errors.", [{ field: "schedule", message: "must have 5 fields, found 4" }])
            : {
                body: {
                  schedule: "0 9 * * 1",
                  timezone: "UTC",
                  next_runs: ["2026-12-07T09:00:00Z", "2026-12-14T09:00:00Z", "2026-12-21T09:00:00Z", "2026-12-28T09:00:00Z", "2027-01-04T09:00:00Z"],
                },
              },
      ],
    ]),
  );
  renderScreen(<NewTask />, { route: "/tasks/new" });
  await userEvent.selectOptions(screen.getByLabelText("Schedule"), "Custom (cron)");
  const zone = screen.getByLabelText("Time zone");
  await userEvent.clear(zone);
  await userEvent.type(zone, "UTC");
  const cron = screen.getByLabelText("Cron expression");
  await userEvent.type(cron, "0 9 * * 1");
  expect(screen.getByText("At 09:00 on Monday")).toBeInTheDocument();
  const runs = await screen.findAllByRole("listitem");
  expect(runs.filter((li) => /09:00/.test(li.textContent ?? ""))).toHaveLength(5);
  expect(screen.getByText(/Mon, 7 Dec 2026, 09:00/)).toBeInTheDocument();
  // Requests are debounced: typing nine characters did not send nine previews.
  expect(api.called("POST", "/api/v1/schedules/preview").length).toBeLessThan(4);
  expect(api.called("POST", "/api/v1/schedules/preview").at(-1)!.body).toEqual({ schedule: "0 9 * * 1", timezone: "UTC" });

  await userEvent.clear(cron);
  await userEvent.type(cron, "*/5 * * *");
  await waitFor(() => expect(cron).toHaveAccessibleDescription(/must have 5 fields, found 4/));
  expect(screen.getByText(/not a 5-field cron expression/)).toBeInTheDocument();
});

test("Preview shows the agent at work, then evidence, sources, confidence and the message", async () => {
  let answer: (v: unknown) => void = () => {};
  const api = stubApi(
    base([
      [
        "POST",
        "/api/v1/tasks/preview",
        () =>
          new Promise((resolve) => {
            answer = () =>
              resolve({
                body: {
                  result: {
                    evidence: "Apple announced the iPhone 18 ships on 19 September.",
                    sources: [{ url: "https://www.apple.com/newsroom/iphone-18", title: "Apple Newsroom: iPhone 18" }],
                    confidence: 92,
                    notification: "The iPhone 18 ships on 19 September.",
                    next_run: null,
                    topic: "iPhone 18",
                  },
                  usage: { model: "gemini", prompt_tokens: 10, output_tokens: 5, search_queries: 1, cost_usd: 0.004 },
                },
              });
          }),
      ],
    ]),
  );
  renderScreen(<NewTask />, { route: "/tasks/new?q=next%20iPhone" });
  await userEvent.click(screen.getByRole("button", { name: "Preview" }));
  expect(await screen.findByText(/The agent is searching the web/)).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Preview" })).toBeDisabled();
  answer(undefined);
  expect(await screen.findByText(/The condition is met/)).toBeInTheDocument();
  expect(screen.getByText("Apple announced the iPhone 18 ships on 19 September.")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Apple Newsroom: iPhone 18" })).toHaveAttribute("href", "https://www.apple.com/newsroom/iphone-18");
  expect(screen.getByText("92%", { exact: false })).toBeInTheDocument();
  expect(screen.getByText("The iPhone 18 ships on 19 September.")).toBeInTheDocument();
  expect(screen.queryByText(/The agent is searching/)).not.toBeInTheDocument();
  expect(api.called("POST", "/api/v1/tasks/preview")[0]!.body).toMatchObject({ search_query: "next iPhone" });
  // A preview stores nothing.
  expect(api.called("POST", "/api/v1/tasks")).toHaveLength(0);
});

test("with no verified address or webhook, Send to points to Settings", async () => {
  stubApi([
    ["GET", "/api/v1/emails", { body: { data: [], next_cursor: null } }],
    ["GET", "/api/v1/webhook", { body: { ...webhook, url: "" } }],
  ]);
  renderScreen(<NewTask />, { route: "/tasks/new" });
  const group = screen.getByRole("group", { name: "Send to" });
  expect(await within(group).findByText(/no verified email address or webhook yet/)).toBeInTheDocument();
  expect(within(group).getByRole("link", { name: /Settings/ })).toHaveAttribute("href", "/settings");
  expect(within(group).queryByRole("checkbox")).not.toBeInTheDocument();
});

test("pages to read and background go to the API, and a bad address's error shows at the pages field", async () => {
  const api = stubApi(
    base([
      [
        "POST",
        "/api/v1/tasks",
        problem(422, "Some fields are not valid; see errors.", [{ field: "urls[1]", message: 'only http and https pages can be read, not "ftp://x.example/"' }]),
      ],
    ]),
  );
  renderScreen(<NewTask />, { route: "/tasks/new" });
  await userEvent.type(screen.getByLabelText("What should Torale look for?"), "iPhone 18 release date");
  await userEvent.type(screen.getByLabelText("Pages to read"), "https://www.apple.com/newsroom/{Enter}{Enter}ftp://x.example/");
  await userEvent.type(screen.getByLabelText("Background for the agent"), "I already own the 15 Pro.");
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  const pages = screen.getByLabelText("Pages to read");
  await waitFor(() => expect(pages).toHaveAccessibleDescription(/only http and https pages can be read/));
  expect(within(screen.getByRole("alert")).getByRole("button", { name: "Pages to read" })).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/tasks")[0]!.body).toMatchObject({
    urls: ["https://www.apple.com/newsroom/", "ftp://x.example/"],
    context: "I already own the 15 Pro.",
  });
  await userEvent.type(pages, "x");
  expect(pages).not.toHaveAccessibleDescription(/only http and https/);
});

test("a page watch is created in change mode, tells of every change and has nothing to preview", async () => {
  const api = stubApi(base([["POST", "/api/v1/tasks", { status: 201, body: makeTask({ id: "t2" }) }]]));
  renderScreen(<NewTask />, { route: "/tasks/new" });
  await userEvent.type(screen.getByLabelText("Pages to read"), "https://shop.example/widget");
  await userEvent.click(screen.getByRole("checkbox", { name: /Only watch these pages for changes/ }));
  expect(screen.getByRole("radio", { name: "Every time it is met" })).toBeChecked();
  expect(screen.getByRole("button", { name: "Preview" })).toBeDisabled();
  await screen.findByRole("checkbox", { name: "me@example.com" });
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  await waitFor(() => expect(api.called("POST", "/api/v1/tasks")).toHaveLength(1));
  expect(api.called("POST", "/api/v1/tasks")[0]!.body).toMatchObject({
    mode: "change",
    urls: ["https://shop.example/widget"],
    notify_behavior: "always",
  });
});

test("a saved chat channel can be picked; the task names it by id", async () => {
  const channels = {
    data: [
      { id: "c1", kind: "slack", name: "Team", settings: { webhook_url: "••••9876" }, for_alerts: false, is_default: false, created_at: "2026-12-01T09:00:00Z", updated_at: "2026-12-01T09:00:00Z" },
    ],
    next_cursor: null,
  };
  const api = stubApi(
    base([
      ["GET", "/api/v1/channels", { body: channels }],
      ["POST", "/api/v1/tasks", { status: 201, body: makeTask({ id: "t2" }) }],
    ]),
  );
  renderScreen(<NewTask />, { route: "/tasks/new" });
  await userEvent.type(screen.getByLabelText("What should Torale look for?"), "next iPhone release date");
  await userEvent.click(await screen.findByRole("checkbox", { name: "Team (slack)" }));
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  await waitFor(() => expect(api.called("POST", "/api/v1/tasks")).toHaveLength(1));
  const sent = api.called("POST", "/api/v1/tasks")[0]!.body as Record<string, unknown>;
  expect(sent.notifications).toEqual([{ type: "email", address: "me@example.com" }, { type: "channel", channel_id: "c1" }]);
});
