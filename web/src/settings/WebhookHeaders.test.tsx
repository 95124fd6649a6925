import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { page, webhookSettings } from "../test/fixturesB";
import { Webhook } from "./Webhook";

afterEach(() => vi.unstubAllGlobals());

const t1 = "2026-12-01T09:00:00Z";
const auth = { name: "Authorization", value_masked: "••••abcd", updated_at: t1 };

test("headers show masked values; adding one puts its value and shows the refusal naming the header", async () => {
  const api = stubApi({
    "GET /api/v1/webhook": webhookSettings({ headers: [auth] }),
    "GET /api/v1/webhook/deliveries": page([]),
    "PUT /api/v1/webhook/headers/Connection": problem(400, 'The header "Connection" is a hop-by-hop header, which applies to one connection and cannot be set.'),
    "PUT /api/v1/webhook/headers/X-Api-Key": webhookSettings({
      headers: [auth, { name: "X-Api-Key", value_masked: "••••", updated_at: t1 }],
    }),
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  expect(await screen.findByLabelText("Authorization value, masked")).toHaveTextContent("••••abcd");

  const name = screen.getByLabelText("Header name");
  const value = screen.getByLabelText("Header value");
  expect(value).toHaveAttribute("type", "password");
  await user.type(name, "Connection");
  await user.type(value, "close");
  await user.click(screen.getByRole("button", { name: "Add header" }));
  expect(await screen.findByText(/"Connection" is a hop-by-hop header/)).toBeInTheDocument();

  await user.clear(name);
  await user.type(name, "X-Api-Key");
  await user.clear(value);
  await user.type(value, "k-123");
  await user.click(screen.getByRole("button", { name: "Add header" }));
  expect(await screen.findByLabelText("X-Api-Key value, masked")).toHaveTextContent("••••");
  expect(api.called("PUT", "/api/v1/webhook/headers/X-Api-Key")[0]!.body).toEqual({ value: "k-123" });
  expect(screen.queryByText("k-123")).not.toBeInTheDocument();
  expect(name).toHaveValue("");
});

test("a header's value can be replaced, and the header removed", async () => {
  const api = stubApi({
    "GET /api/v1/webhook": webhookSettings({ headers: [auth] }),
    "GET /api/v1/webhook/deliveries": page([]),
    "PUT /api/v1/webhook/headers/Authorization": webhookSettings({ headers: [{ ...auth, value_masked: "••••wxyz" }] }),
    "DELETE /api/v1/webhook/headers/Authorization": webhookSettings({ headers: [] }),
  });
  const user = userEvent.setup();
  renderB(<Webhook />);
  await user.click(await screen.findByRole("button", { name: "Replace Authorization" }));
  await user.type(screen.getByLabelText("New value for Authorization"), "Bearer new-token-wxyz");
  await user.click(screen.getByRole("button", { name: "Save" }));
  expect(await screen.findByLabelText("Authorization value, masked")).toHaveTextContent("••••wxyz");
  expect(api.called("PUT", "/api/v1/webhook/headers/Authorization")[0]!.body).toEqual({ value: "Bearer new-token-wxyz" });

  await user.click(screen.getByRole("button", { name: "Remove Authorization" }));
  expect(await screen.findByRole("button", { name: "Add header" })).toBeInTheDocument();
  expect(screen.queryByLabelText("Authorization value, masked")).not.toBeInTheDocument();
  expect(api.called("DELETE", "/api/v1/webhook/headers/Authorization")).toHaveLength(1);
});

test("at ten headers the add form gives way to the limit", async () => {
  const ten = Array.from({ length: 10 }, (_, i) => ({ name: `X-H${i}`, value_masked: "••••", updated_at: t1 }));
  stubApi({ "GET /api/v1/webhook": webhookSettings({ headers: ten }), "GET /api/v1/webhook/deliveries": page([]) });
  renderB(<Webhook />);
  const list = await screen.findByText(/at most 10 custom headers/);
  expect(list).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Add header" })).not.toBeInTheDocument();
  expect(within(document.body).getAllByRole("button", { name: /^Remove X-H/ })).toHaveLength(10);
});
