import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, reply, stubApi } from "../test/fetchStub-b";
import { apiKey, page } from "../test/fixturesB";
import { APIKeys } from "./APIKeys";

afterEach(() => vi.unstubAllGlobals());

const secret = "tor_" + "a1B2c3D4e5".repeat(4) + "f6G7h8I9j";

test("a new key is shown once, copyable, and gone after Done", async () => {
  let keys = [apiKey({ id: "old", name: "old key", last_used_at: "2026-11-30T09:00:00Z" })];
  const api = stubApi({
    "GET /api/v1/api-keys": () => ({ body: page(keys) }),
    "POST /api/v1/api-keys": (c) => {
      const made = apiKey({ id: "new", name: (c.body as { name: string }).name, prefix: secret.slice(0, 12) });
      keys = [made, ...keys];
      return reply(201, { ...made, key: secret });
    },
  });
  const user = userEvent.setup();
  renderB(<APIKeys />);
  expect(await screen.findByRole("cell", { name: "old key" })).toBeInTheDocument();

  await user.type(screen.getByLabelText("Key name"), "  ci  ");
  await user.click(screen.getByRole("button", { name: "Create key" }));
  expect(api.called("POST", "/api/v1/api-keys")[0]!.body).toEqual({ name: "ci" });
  const box = await screen.findByRole("region", { name: "New key: ci" });
  expect(within(box).getByText(secret)).toBeInTheDocument();
  expect(within(box).getByText(/it will not be shown again/)).toBeInTheDocument();
  await user.click(within(box).getByRole("button", { name: "Copy key" }));
  expect(await navigator.clipboard.readText()).toBe(secret);
  // The list shows the new key by name and prefix only.
  expect(await screen.findByRole("cell", { name: "ci" })).toBeInTheDocument();
  expect(screen.getByLabelText("Key name")).toHaveValue("");

  await user.click(within(box).getByRole("button", { name: "Done" }));
  expect(screen.queryByText(secret)).not.toBeInTheDocument();
  expect(screen.queryByRole("region", { name: /New key/ })).not.toBeInTheDocument();
});

test("Revoke asks with a Revoke key button, and Cancel keeps the key", async () => {
  let keys = [apiKey({ id: "k1", name: "laptop" }), apiKey({ id: "k2", name: "ci" })];
  const api = stubApi({
    "GET /api/v1/api-keys": () => ({ body: page(keys) }),
    "DELETE /api/v1/api-keys/k1": () => {
      keys = keys.filter((k) => k.id !== "k1");
      return reply(204);
    },
  });
  const user = userEvent.setup();
  renderB(<APIKeys />);
  await user.click(await screen.findByRole("button", { name: "Revoke laptop" }));
  const dialog = screen.getByRole("alertdialog", { name: "Revoke laptop?" });
  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(api.called("DELETE", "/api/v1/api-keys/k1")).toHaveLength(0);

  await user.click(screen.getByRole("button", { name: "Revoke laptop" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Revoke key" }));
  const note = await screen.findByText("laptop was revoked.");
  await waitFor(() => expect(note).toHaveFocus());
  await waitFor(() => expect(screen.queryByRole("button", { name: "Revoke laptop" })).not.toBeInTheDocument());
  expect(screen.getByRole("button", { name: "Revoke ci" })).toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});

test("a refused name shows the server's reason on the field", async () => {
  stubApi({
    "GET /api/v1/api-keys": page([]),
    "POST /api/v1/api-keys": problem(409, "You already have a key with that name."),
  });
  const user = userEvent.setup();
  renderB(<APIKeys />);
  expect(await screen.findByText("No API keys")).toBeInTheDocument();
  await user.type(screen.getByLabelText("Key name"), "laptop");
  await user.click(screen.getByRole("button", { name: "Create key" }));
  expect(await screen.findByText("You already have a key with that name.")).toBeInTheDocument();
  expect(screen.getByLabelText("Key name")).toHaveAttribute("aria-invalid", "true");
});
