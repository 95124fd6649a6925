import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, reply, stubApi } from "../test/fetchStub-b";
import { page } from "../test/fixturesB";
import { Channels } from "./Channels";

afterEach(() => vi.unstubAllGlobals());

const id = "0b6f2c1e-8d3a-4e8b-9f2a-1c2d3e4f5a6b";
const kinds = [
  {
    kind: "slack",
    fields: [{ name: "webhook_url", label: "Webhook URL", required: true, secret: true, url: true, hint: "Slack: your app → Incoming Webhooks" }],
  },
  {
    kind: "telegram",
    fields: [
      { name: "bot_token", label: "Bot token", required: true, secret: true, url: false },
      { name: "chat_id", label: "Chat ID", required: true, secret: false, url: false },
      { name: "api_url", label: "Bot API server", required: false, secret: false, url: true, default: "https://api.telegram.org" },
    ],
  },
];
const saved = {
  id,
  kind: "slack",
  name: "Team",
  settings: { webhook_url: "••••9876" },
  for_alerts: false,
  is_default: true,
  created_at: "2026-12-01T09:00:00Z",
  updated_at: "2026-12-01T09:00:00Z",
};

test("the form follows the kind's fields, the secret comes back masked, a test reports, delete removes", async () => {
  let channels: unknown[] = [];
  const api = stubApi({
    "GET /api/v1/channels": () => ({ body: page(channels) }),
    "GET /api/v1/channels/kinds": page(kinds),
    "POST /api/v1/channels": (c) => {
      const body = c.body as { settings: Record<string, string> };
      if (body.settings.webhook_url?.includes("169.254"))
        return problem(422, "Some fields are not valid; see errors.", [
          { field: "settings.webhook_url", message: "cannot be used: 169.254.169.254 is not a public internet address" },
        ]);
      channels = [saved];
      return reply(201, saved);
    },
    [`PATCH /api/v1/channels/${id}`]: (c) => {
      const next = { ...(channels[0] as typeof saved), ...(c.body as object) };
      channels = [next];
      return reply(200, next);
    },
    [`POST /api/v1/channels/${id}/test`]: { ok: false, status_code: 404, latency_ms: 12, error: "Slack answered 404 Not Found: no_service", delivery_id: "test_1" },
    [`DELETE /api/v1/channels/${id}`]: () => {
      channels = [];
      return reply(204, undefined);
    },
  });
  const user = userEvent.setup();
  renderB(<Channels />, { mode: "dev" });
  expect(await screen.findByText("No channels yet")).toBeInTheDocument();

  // Telegram asks for its three settings, the optional one with its default shown.
  await user.selectOptions(await screen.findByLabelText("Kind"), "telegram");
  expect(screen.getByLabelText("Bot token")).toHaveAttribute("type", "password");
  expect(screen.getByLabelText("Bot API server (optional)")).toHaveAttribute("placeholder", "https://api.telegram.org");
  await user.selectOptions(screen.getByLabelText("Kind"), "slack");

  await user.type(screen.getByLabelText("Name"), "Team");
  const url = screen.getByLabelText("Webhook URL");
  await user.type(url, "https://169.254.169.254/x");
  await user.click(screen.getByRole("button", { name: "Save channel" }));
  expect(await screen.findByText(/is not a public internet address/)).toBeInTheDocument();
  expect(url).toHaveAttribute("aria-invalid", "true");

  await user.clear(url);
  await user.type(url, "https://hooks.slack.com/services/T/B/secret9876");
  await user.click(screen.getByLabelText(/Default: tasks sending/));
  await user.click(screen.getByRole("button", { name: "Save channel" }));
  expect(api.called("POST", "/api/v1/channels")[1]!.body).toEqual({
    kind: "slack",
    name: "Team",
    settings: { webhook_url: "https://hooks.slack.com/services/T/B/secret9876" },
    is_default: true,
    for_alerts: false,
  });
  const row = (await screen.findByText("webhook_url: ••••9876")).closest("li")!;
  expect(within(row).getByText("default")).toBeInTheDocument();
  expect(screen.getByLabelText("Webhook URL")).toHaveValue("");
  expect(document.body.textContent).not.toContain("secret9876");

  // The flags toggle in place.
  const alerts = within(row).getByRole("button", { name: "Send failure alerts to Team" });
  expect(alerts).toHaveAttribute("aria-pressed", "false");
  await user.click(alerts);
  expect(api.called("PATCH", `/api/v1/channels/${id}`)[0]!.body).toEqual({ for_alerts: true });
  expect(await within(row).findByText("alerts")).toBeInTheDocument();
  expect(within(row).getByRole("button", { name: "Send failure alerts to Team" })).toHaveAttribute("aria-pressed", "true");

  await user.click(within(row).getByRole("button", { name: "Send a test to Team" }));
  expect(await within(row).findByText(/Slack answered 404 Not Found: no_service/)).toBeInTheDocument();

  await user.click(within(row).getByRole("button", { name: "Delete Team" }));
  expect(await screen.findByText("Team was deleted.")).toBeInTheDocument();
  expect(await screen.findByText("No channels yet")).toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});
