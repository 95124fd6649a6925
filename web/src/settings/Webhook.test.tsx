import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { page, webhookSettings } from "../test/fixturesB";
import { masked } from "./Secret";
import { Webhook } from "./Webhook";

afterEach(() => vi.unstubAllGlobals());

const base = {
  "GET /api/v1/webhook": webhookSettings(),
  "GET /api/v1/webhook/deliveries": page([]),
};

test("the secret is hidden until revealed, and can be hidden again", async () => {
  const s = webhookSettings();
  stubApi(base);
  const user = userEvent.setup();
  renderB(<Webhook />);
  const reveal = await screen.findByRole("button", { name: "Reveal secret" });
  expect(screen.queryByText(s.secret)).not.toBeInTheDocument();
  expect(screen.getByText(masked(s.secret))).toBeInTheDocument();
  await user.click(reveal);
  expect(screen.getByText(s.secret)).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Hide secret" }));
  expect(screen.queryByText(s.secret)).not.toBeInTheDocument();

  await user.click(screen.getByRole("button", { name: "Copy secret" }));
  expect(await navigator.clipboard.readText()).toBe(s.secret);
});

test("Send test shows the status code, latency and outcome in a status region", async () => {
  const api = stubApi({
    ...base,
    "POST /api/v1/webhook/test": { ok: false, status_code: 500, latency_ms: 230, error: "the endpoint answered HTTP 500", webhook_id: "test_1" },
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  await user.click(await screen.findByRole("button", { name: "Send test" }));
  const statuses = await screen.findAllByRole("status");
  const result = await waitFor(() => {
    const r = statuses.find((s) => s.textContent?.includes("Test failed."));
    expect(r).toBeDefined();
    return r!;
  });
  expect(result).toHaveTextContent("HTTP 500 in 230 ms");
  expect(result).toHaveTextContent("the endpoint answered HTTP 500");
  // The test goes to what the field holds, so a URL can be tried before it is saved.
  expect(api.called("POST", "/api/v1/webhook/test")[0]!.body).toEqual({ url: "https://hooks.example.com/torale" });
});

test("Save webhook puts the URL and shows the server's field error", async () => {
  const api = stubApi({
    ...base,
    "GET /api/v1/webhook": webhookSettings({ url: "", enabled: false }),
    "PUT /api/v1/webhook": (c) =>
      (c.body as { url: string }).url.startsWith("http://")
        ? problem(422, "Some fields are not valid; see errors.", [{ field: "url", message: "must use https" }])
        : { body: webhookSettings({ url: (c.body as { url: string }).url }) },
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  const input = await screen.findByLabelText("Webhook URL");
  expect(screen.getByText("not set")).toBeInTheDocument();
  await user.type(input, "http://example.com/x");
  await user.click(screen.getByRole("button", { name: "Save webhook" }));
  expect(await screen.findByText("must use https")).toBeInTheDocument();

  await user.clear(input);
  await user.type(input, "https://example.com/x");
  await user.click(screen.getByRole("button", { name: "Save webhook" }));
  expect(await screen.findByText("Webhook saved.")).toBeInTheDocument();
  expect(api.called("PUT", "/api/v1/webhook").at(-1)!.body).toEqual({ url: "https://example.com/x", enabled: true });
  expect(screen.getByText("on")).toHaveClass("badge", "ok");
});

test("Rotate secret asks first, then shows the new secret", async () => {
  const api = stubApi({
    ...base,
    "POST /api/v1/webhook/rotate-secret": webhookSettings({
      secret: "whsec_bmV3",
      rotated_at: "2026-11-30T11:00:00Z",
      previous_secret_expires_at: "2099-01-01T00:00:00Z",
    }),
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  await user.click(await screen.findByRole("button", { name: "Rotate secret" }));
  const dialog = screen.getByRole("alertdialog", { name: "Rotate the signing secret?" });
  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(api.called("POST", "/api/v1/webhook/rotate-secret")).toHaveLength(0);

  await user.click(screen.getByRole("button", { name: "Rotate secret" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Rotate secret" }));
  expect(await screen.findByText(/A new secret was made/)).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Reveal secret" }));
  expect(screen.getByText("whsec_bmV3")).toBeInTheDocument();
  expect(screen.getByText(/The previous secret also signs until/)).toBeInTheDocument();
});

test("a disabled endpoint shows its reason and Re-enable posts its URL", async () => {
  const gone = "https://old.example.com/hook";
  let settings = webhookSettings({
    disabled_endpoints: [{ url: gone, reason: "the endpoint said it is gone", disabled_at: "2026-11-30T09:00:00Z" }],
  });
  const api = stubApi({
    ...base,
    "GET /api/v1/webhook": () => ({ body: settings }),
    "POST /api/v1/webhook/enable": () => {
      settings = webhookSettings();
      return { body: settings };
    },
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  expect(await screen.findByText(/the endpoint said it is gone/)).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: `Re-enable ${gone}` }));
  await waitFor(() => expect(screen.queryByText(/the endpoint said it is gone/)).not.toBeInTheDocument());
  expect(api.called("POST", "/api/v1/webhook/enable")[0]!.body).toEqual({ url: gone });
});

test("the delivery log lists deliveries with their attempts", async () => {
  stubApi({
    ...base,
    "GET /api/v1/webhook/deliveries": page([
      {
        id: "d1",
        execution_id: "e1",
        task_id: "t1",
        channel: "webhook",
        target: "https://hooks.example.com/torale",
        status: "pending",
        attempts: 1,
        next_attempt_at: "2099-01-01T00:00:00Z",
        last_error: "HTTP 503",
        created_at: "2026-11-30T10:00:00Z",
        delivered_at: null,
        task_name: "Price watch",
        attempt_log: [{ attempted_at: "2026-11-30T10:00:00Z", ok: false, response_code: 503, latency_ms: 40, error: "HTTP 503" }],
      },
    ]),
  });
  renderB(<Webhook />);
  const table = await screen.findByRole("table", { name: "Webhook deliveries, newest first" });
  expect(within(table).getByRole("link", { name: "Price watch" })).toHaveAttribute("href", "/tasks/t1");
  expect(within(table).getByText("pending")).toHaveClass("badge", "warn");
  expect(within(table).getByText("1 attempt")).toBeInTheDocument();
});

test("masked keeps only the prefix", () => {
  expect(masked("whsec_abc")).toMatch(/^whsec_•+$/);
  expect(masked("abc")).not.toContain("abc");
});
