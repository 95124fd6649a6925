import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { Feeds } from "./Feeds";

afterEach(() => vi.unstubAllGlobals());

function urls(token: string) {
  const base = `https://app.torale.example/api/v1/feeds/${token}`;
  return {
    atom_url: `${base}.atom`,
    json_url: `${base}.json`,
    task_atom_url: `${base}/tasks/{task_id}.atom`,
    task_json_url: `${base}/tasks/{task_id}.json`,
    created_at: "2026-11-30T09:00:00Z",
  };
}

test("the feed URLs are shown, copyable, and rotated after a confirmation", async () => {
  const api = stubApi({
    "GET /api/v1/feed": urls("old-token"),
    "POST /api/v1/feed/rotate": urls("new-token"),
  });
  const user = userEvent.setup();
  renderB(<Feeds />);
  expect(await screen.findByText(urls("old-token").atom_url)).toBeInTheDocument();
  expect(screen.getByText(urls("old-token").json_url)).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Copy Atom URL" }));
  expect(await navigator.clipboard.readText()).toBe(urls("old-token").atom_url);

  await user.click(screen.getByRole("button", { name: "Rotate feed URLs" }));
  const dialog = await screen.findByRole("alertdialog");
  expect(api.called("POST", "/api/v1/feed/rotate")).toHaveLength(0);
  await user.click(within(dialog).getByRole("button", { name: "Rotate feed URLs" }));
  expect(await screen.findByText(urls("new-token").atom_url)).toBeInTheDocument();
  expect(screen.queryByText(urls("old-token").atom_url)).not.toBeInTheDocument();
  expect(screen.getByText(/the old ones no longer work/)).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/feed/rotate")).toHaveLength(1);
});

test("a deployment without feeds says so", async () => {
  stubApi({ "GET /api/v1/feed": problem(503, "Feeds are not available on this deployment (it has no notify key).") });
  renderB(<Feeds />);
  expect(await screen.findByText("Feeds are not available on this deployment.")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Rotate feed URLs" })).not.toBeInTheDocument();
});
