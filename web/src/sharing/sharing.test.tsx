import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import NewTask from "../screens/NewTask";
import { makeTask } from "../tasks/testdata";
import { problem, stubApi } from "../test/fetchStub-a";
import { renderScreen } from "../test/render";
import Explore from "./Explore";
import PublicTaskPage from "./PublicTaskPage";
import { ShareCard } from "./ShareCard";

vi.setConfig({ testTimeout: 20_000 });
afterEach(() => vi.unstubAllGlobals());

const gpu = {
  id: "gpu-price-drop", builtin: true, name: "Graphics card price drop", description: "Cheap cards.", category: "prices",
  search_query: "RTX price drop below MSRP", condition_description: "A card sells below MSRP", schedule: "0 8 * * *",
  timezone: "UTC", notify_behavior: "always", depth: "routine", created_at: null,
};

test("picking a template from the gallery fills the form, and the task is created from it", async () => {
  const api = stubApi([
    ["GET", "/api/v1/emails", { body: { data: [], next_cursor: null } }],
    ["GET", "/api/v1/webhook", { status: 404, body: { type: "about:blank", title: "Not Found", status: 404 } }],
    ["GET", "/api/v1/templates", { body: { data: [gpu], next_cursor: null } }],
    ["POST", "/api/v1/tasks", { status: 201, body: makeTask({ id: "new-id" }) }],
  ]);
  renderScreen(<NewTask />, { route: "/tasks/new", path: "/tasks/new" });
  await userEvent.click(await screen.findByRole("button", { name: "Use the template Graphics card price drop" }));
  expect(screen.getByRole("status")).toHaveTextContent("Graphics card price drop");
  expect(screen.getByLabelText("What should Torale look for?")).toHaveValue("RTX price drop below MSRP");
  expect(screen.getByLabelText("Notify me when")).toHaveValue("A card sells below MSRP");
  expect(screen.getByLabelText("Name")).toHaveValue("Graphics card price drop");
  await userEvent.click(screen.getByRole("button", { name: "Create task" }));
  await waitFor(() => expect(api.called("POST", "/api/v1/tasks")).toHaveLength(1));
  expect(api.called("POST", "/api/v1/tasks")[0]!.body).toMatchObject({
    search_query: "RTX price drop below MSRP", condition_description: "A card sells below MSRP", schedule: "0 8 * * *",
    timezone: "UTC", notify_behavior: "always",
  });
});

test("making a watch with background public asks first, then sends the confirmation", async () => {
  const task = makeTask({ context: "I own the 15 Pro" });
  const api = stubApi([
    ["PATCH", `/api/v1/tasks/${task.id}`, { body: makeTask({ ...task, public: true, public_slug: "iphone-abc12345", public_context_ok: true }) }],
    ["POST", "/api/v1/templates", { status: 201, body: { ...gpu, id: "t1", builtin: false } }],
  ]);
  renderScreen(<ShareCard task={task} />);
  await userEvent.click(screen.getByRole("button", { name: "Make public" }));
  expect(screen.getByRole("alertdialog")).toHaveTextContent("background");
  expect(api.called("PATCH", `/api/v1/tasks/${task.id}`)).toHaveLength(0);
  await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Make public" }));
  await waitFor(() => expect(api.called("PATCH", `/api/v1/tasks/${task.id}`)).toHaveLength(1));
  expect(api.called("PATCH", `/api/v1/tasks/${task.id}`)[0]!.body).toEqual({ public: true, public_context_ok: true });

  await userEvent.click(screen.getByRole("button", { name: "Save as template" }));
  await screen.findByText(/Saved as a template/);
  expect(api.called("POST", "/api/v1/templates")[0]!.body).toEqual({ from_task: task.id });
});

test("a watch without background is made public and private without a question", async () => {
  const task = makeTask();
  const api = stubApi([["PATCH", `/api/v1/tasks/${task.id}`, { body: makeTask({ public: true, public_slug: "iphone-abc12345" }) }]]);
  const r = renderScreen(<ShareCard task={task} />);
  await userEvent.click(screen.getByRole("button", { name: "Make public" }));
  await waitFor(() => expect(api.called("PATCH", `/api/v1/tasks/${task.id}`)[0]!.body).toEqual({ public: true }));
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  r.unmount();
  renderScreen(<ShareCard task={makeTask({ public: true, public_slug: "iphone-abc12345" })} />);
  expect(screen.getByRole("link", { name: "/p/iphone-abc12345" })).toBeInTheDocument();
});

test("the public page shows the watch and its results, and says plainly when it is gone", async () => {
  stubApi([
    ["GET", "/api/v1/public/tasks/iphone-abc12345", {
      body: {
        slug: "iphone-abc12345", name: "iPhone release", search_query: "next iPhone release date", condition_description: "Apple set the date",
        schedule: "0 9 * * *", timezone: "UTC", state: "active", published_at: "2026-11-30T10:00:00Z",
        atom_url: "https://t.example/api/v1/public/tasks/iphone-abc12345/feed.atom", json_url: "https://t.example/api/v1/public/tasks/iphone-abc12345/feed.json",
        results: [{ created_at: "2026-11-30T10:00:00Z", finished_at: "2026-11-30T10:00:05Z", notification: "Apple set 9 September.", evidence: "Found on apple.com.", sources: [{ url: "https://www.apple.com/", title: "Apple" }] }],
      },
    }],
    ["GET", "/api/v1/public/tasks/gone-abc12345", problem(404, "No public watch has this address; its owner may have made it private.")],
  ]);
  renderScreen(<PublicTaskPage />, { route: "/p/iphone-abc12345", path: "/p/:slug" });
  expect(await screen.findByRole("heading", { level: 1, name: "iPhone release" })).toBeInTheDocument();
  expect(screen.getByText("next iPhone release date")).toBeInTheDocument();
  expect(screen.getByText(/Found on apple.com/)).toBeInTheDocument();
  expect(screen.queryByText(/confidence/i)).not.toBeInTheDocument(); // public results carry none
  expect(screen.getByRole("link", { name: "Copy to my watches" })).toHaveAttribute("href", "/fork/iphone-abc12345");
  expect(screen.getByRole("link", { name: "Atom feed" })).toHaveAttribute("href", expect.stringContaining("feed.atom"));

  renderScreen(<PublicTaskPage />, { route: "/p/gone-abc12345", path: "/p/:slug" });
  expect(await screen.findByRole("heading", { name: "No public watch here" })).toBeInTheDocument();
});

test("Explore lists public watches and searches them", async () => {
  const api = stubApi([
    ["GET", "/api/v1/public/tasks", (call) => ({
      body: {
        data: [{ slug: call.query.get("q") ? "gpu-abc12345" : "all-abc12345", name: call.query.get("q") ? "GPU prices" : "Everything", search_query: "q",
          condition_description: "c", schedule: "", timezone: "UTC", state: "active", published_at: "2026-11-30T10:00:00Z" }],
        next_cursor: null,
      },
    })],
  ]);
  renderScreen(<Explore />, { route: "/explore" });
  expect(await screen.findByRole("link", { name: "Everything" })).toHaveAttribute("href", "/p/all-abc12345");
  await userEvent.type(screen.getByLabelText("Search"), "gpu");
  await userEvent.click(screen.getByRole("button", { name: "Search" }));
  expect(await screen.findByRole("link", { name: "GPU prices" })).toBeInTheDocument();
  expect(api.calls.at(-1)!.query.get("q")).toBe("gpu");
});
