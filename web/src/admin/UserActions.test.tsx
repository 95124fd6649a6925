import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { stubApi } from "../test/fetchStub-b";
import { user as userFixture } from "../test/fixturesB";
import { UserActions } from "./UserActions";

afterEach(() => vi.unstubAllGlobals());

const ada = userFixture({ id: "a0000000-0000-4000-8000-000000000001", email: "ada@example.com" });

function change(deactivated: string | null) {
  return {
    user: { ...ada, deactivated_at: deactivated },
    action: { id: "x", action: "deactivate", actor_id: null, actor_email: "", target_id: ada.id, target_email: "", paused_tasks: [], created_at: "2026-12-01T10:00:00Z" },
    resumed_tasks: [],
    not_resumed: [],
  };
}

test("deactivating asks first, then says what happened", async () => {
  const api = stubApi({ "POST /api/v1/admin/users/a0000000-0000-4000-8000-000000000001/deactivate": change("2026-12-01T10:00:00Z") });
  const said: string[] = [];
  const u = userEvent.setup();
  renderB(<UserActions u={ada} me="someone-else" say={(m) => said.push(m)} />);
  await u.click(screen.getByRole("button", { name: "Deactivate ada@example.com" }));
  const dialog = await screen.findByRole("alertdialog");
  expect(within(dialog).getByText(/keys and sessions stop working at once/)).toBeInTheDocument();
  expect(api.calls).toHaveLength(0);
  await u.click(within(dialog).getByRole("button", { name: "Deactivate" }));
  await vi.waitFor(() => expect(said).toEqual(["ada@example.com is deactivated."]));
  expect(api.unmatched).toEqual([]);
});

test("cancelling changes nothing, and a deactivated admin offers reactivate and revoke", async () => {
  const api = stubApi({});
  const u = userEvent.setup();
  renderB(<UserActions u={{ ...ada, role: "admin", deactivated_at: "2026-12-01T10:00:00Z" }} me="someone-else" say={() => {}} />);
  expect(screen.getByRole("button", { name: "Reactivate ada@example.com" })).toBeInTheDocument();
  await u.click(screen.getByRole("button", { name: "Revoke admin ada@example.com" }));
  await u.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  expect(api.calls).toHaveLength(0);
});

test("an admin has no buttons against their own account", () => {
  stubApi({});
  renderB(<UserActions u={ada} me={ada.id} say={() => {}} />);
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
});
