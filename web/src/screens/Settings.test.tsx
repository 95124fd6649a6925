import { screen, within } from "@testing-library/react";
import { renderB } from "../test/renderB";
import { stubApi } from "../test/fetchStub-b";
import { page, user, webhookSettings } from "../test/fixturesB";
import Settings from "./Settings";

afterEach(() => vi.unstubAllGlobals());

test("Settings has one h1 and a section per area, with the labelled controls", async () => {
  const api = stubApi({
    "GET /api/v1/emails": page([]),
    "GET /api/v1/dev/mailbox": page([]),
    "GET /api/v1/webhook": webhookSettings(),
    "GET /api/v1/webhook/deliveries": page([]),
    "GET /api/v1/api-keys": page([]),
    "GET /api/v1/me": user(),
    "GET /api/v1/channels": page([]),
    "GET /api/v1/channels/kinds": page([
      { kind: "ntfy", fields: [{ name: "topic", label: "Topic", required: true, secret: false, url: false }] },
    ]),
    "GET /api/v1/feed": {
      atom_url: "https://app.torale.example/api/v1/feeds/t.atom",
      json_url: "https://app.torale.example/api/v1/feeds/t.json",
      task_atom_url: "https://app.torale.example/api/v1/feeds/t/tasks/{task_id}.atom",
      task_json_url: "https://app.torale.example/api/v1/feeds/t/tasks/{task_id}.json",
      created_at: "2026-11-30T09:00:00Z",
    },
    "GET /api/v1/spend": {
      month_start: "2026-12-01T00:00:00Z",
      month_end: "2027-01-01T00:00:00Z",
      spent_usd: 6.5,
      cap_usd: 25,
      cap_source: "platform",
      remaining_usd: 18.5,
    },
  });
  renderB(<Settings />, { mode: "dev" });
  expect(screen.getAllByRole("heading", { level: 1 }).map((h) => h.textContent)).toEqual(["Settings"]);
  for (const name of ["Notification emails", "Webhook", "Chat and push channels", "Feeds", "Spend", "API keys", "Your data"]) {
    expect(screen.getByRole("region", { name })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name })).toBeInTheDocument();
  }
  expect(screen.getByLabelText("Email address")).toBeInTheDocument();
  expect(screen.getByLabelText("Key name")).toBeInTheDocument();
  expect(await screen.findByLabelText("Webhook URL")).toHaveValue("https://hooks.example.com/torale");
  expect(await screen.findByRole("heading", { level: 3, name: "Dev mailbox" })).toBeInTheDocument();
  expect(await screen.findByText("https://app.torale.example/api/v1/feeds/t.atom")).toBeInTheDocument();
  expect(await screen.findByLabelText("Type dev@example.com to confirm")).toBeInTheDocument();
  expect(await screen.findByLabelText("Topic")).toBeInTheDocument();
  const spend = screen.getByRole("region", { name: "Spend" });
  expect(await within(spend).findByText("$6.50")).toBeInTheDocument();
  expect(within(spend).getByText("$25.00")).toBeInTheDocument();
  expect(within(spend).getByText("(the platform's cap)")).toBeInTheDocument();
  expect(within(spend).getByText("$18.50")).toBeInTheDocument();
  expect(within(spend).getByLabelText("26% of the monthly cap spent")).toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});
