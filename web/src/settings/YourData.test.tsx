import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { user as userFixture } from "../test/fixturesB";
import { YourData } from "./YourData";

afterEach(() => vi.unstubAllGlobals());

test("deleting the account needs the address typed, and says where the confirmation went", async () => {
  const api = stubApi({
    "GET /api/v1/me": userFixture({ email: "ada@example.com" }),
    "DELETE /api/v1/me": { deleted_at: "2026-12-01T10:00:00Z", tasks: 2, revoked_keys: 1, confirmation_sent_to: "ada@example.com" },
  });
  const u = userEvent.setup();
  renderB(<YourData />);
  const button = await screen.findByRole("button", { name: "Delete my account" });
  expect(button).toBeDisabled();
  const input = screen.getByLabelText("Type ada@example.com to confirm");
  await u.type(input, "someone@example.com");
  expect(button).toBeDisabled();
  await u.clear(input);
  await u.type(input, "ADA@example.com");
  expect(button).toBeEnabled();
  await u.click(button);
  expect(await screen.findByText(/Your account is deleted. A confirmation went to ada@example.com/)).toBeInTheDocument();
  expect(api.called("DELETE", "/api/v1/me")[0]!.body).toEqual({ confirm: "ADA@example.com" });
});

test("a refused deletion says why and deletes nothing", async () => {
  stubApi({
    "GET /api/v1/me": userFixture({ email: "ada@example.com" }),
    "DELETE /api/v1/me": problem(503, "Scheduling is unavailable. Nothing was changed."),
  });
  const u = userEvent.setup();
  renderB(<YourData />);
  await u.type(await screen.findByLabelText("Type ada@example.com to confirm"), "ada@example.com");
  await u.click(screen.getByRole("button", { name: "Delete my account" }));
  expect(await screen.findByRole("alert")).toBeInTheDocument();
  expect(screen.queryByText(/Your account is deleted/)).not.toBeInTheDocument();
});

test("the export downloads the API's document", async () => {
  const api = stubApi({ "GET /api/v1/me": userFixture(), "GET /api/v1/me/export": { complete: true } });
  const create = vi.fn(() => "blob:export");
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() }));
  const u = userEvent.setup();
  renderB(<YourData />);
  await u.click(await screen.findByRole("button", { name: "Download my data" }));
  await vi.waitFor(() => expect(create).toHaveBeenCalledTimes(1));
  expect(api.called("GET", "/api/v1/me/export")).toHaveLength(1);
});
