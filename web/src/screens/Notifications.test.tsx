import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { stubApi, problem } from "../test/fetchStub-b";
import { delivery, notified, page } from "../test/fixturesB";
import Notifications from "./Notifications";

afterEach(() => vi.unstubAllGlobals());

test("with no notifications it explains when they appear", async () => {
  const api = stubApi({ "GET /api/v1/notifications": page([]) });
  renderB(<Notifications />);
  expect(screen.getByRole("heading", { level: 1, name: "Notifications" })).toBeInTheDocument();
  expect(await screen.findByText(/When a watch's condition is met/)).toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});

test("each notification links its task and shows every channel's status and attempts", async () => {
  stubApi({
    "GET /api/v1/notifications": page([
      notified({
        deliveries: [
          delivery(),
          delivery({
            id: "d2",
            channel: "webhook",
            target: "https://hooks.example.com/x",
            status: "failed",
            attempts: 2,
            last_error: "HTTP 500",
            attempt_log: [
              { attempted_at: "2026-11-30T10:00:00Z", ok: false, response_code: 500, latency_ms: 80, error: "HTTP 500" },
              { attempted_at: "2026-11-30T10:01:00Z", ok: false, response_code: null, latency_ms: 10_000, error: "timed out" },
            ],
          }),
        ],
      }),
    ]),
  });
  renderB(<Notifications />);
  const link = await screen.findByRole("link", { name: "Console restock" });
  expect(link).toHaveAttribute("href", "/tasks/t0000000-0000-4000-8000-000000000001");
  expect(screen.getByText("The console is back in stock.")).toBeInTheDocument();
  const deliveries = within(screen.getByRole("list", { name: "Deliveries" })).getAllByRole("listitem");
  expect(within(deliveries[0]!).getByText("delivered")).toHaveClass("badge", "ok");
  expect(within(deliveries[1]!).getAllByText("failed")[0]).toHaveClass("badge", "bad");

  await userEvent.click(within(deliveries[1]!).getByText("2 attempts"));
  const rows = within(deliveries[1]!).getAllByRole("row");
  expect(rows).toHaveLength(3); // the header and two attempts
  expect(rows[1]).toHaveTextContent("HTTP 500");
  expect(rows[1]).toHaveTextContent("80 ms");
  expect(rows[2]).toHaveTextContent("no answer");
  expect(rows[2]).toHaveTextContent("timed out");
});

test("Load more follows the cursor and disappears on the last page", async () => {
  const api = stubApi({
    "GET /api/v1/notifications": (c) =>
      c.query.get("cursor") === "c1"
        ? { body: page([notified({ id: "e2", task_name: "Older watch" })]) }
        : { body: page([notified()], "c1") },
  });
  renderB(<Notifications />);
  await screen.findByRole("link", { name: "Console restock" });
  await userEvent.click(screen.getByRole("button", { name: "Load more" }));
  expect(await screen.findByRole("link", { name: "Older watch" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Console restock" })).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  expect(api.called("GET", "/api/v1/notifications").map((c) => c.query.get("cursor"))).toEqual([null, "c1"]);
});

test("a failed load says why and offers to try again", async () => {
  stubApi({ "GET /api/v1/notifications": problem(500, "boom") });
  renderB(<Notifications />);
  expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong on our side.");
  expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
});
