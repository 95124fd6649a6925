import { screen } from "@testing-library/react";
import { renderB } from "../test/renderB";
import { stubApi } from "../test/fetchStub-b";
import { page, webhookSettings } from "../test/fixturesB";
import Settings from "./Settings";

afterEach(() => vi.unstubAllGlobals());

test("Settings has one h1 and a section per area, with the labelled controls", async () => {
  const api = stubApi({
    "GET /api/v1/emails": page([]),
    "GET /api/v1/dev/mailbox": page([]),
    "GET /api/v1/webhook": webhookSettings(),
    "GET /api/v1/webhook/deliveries": page([]),
    "GET /api/v1/api-keys": page([]),
  });
  renderB(<Settings />, { mode: "dev" });
  expect(screen.getAllByRole("heading", { level: 1 }).map((h) => h.textContent)).toEqual(["Settings"]);
  for (const name of ["Notification emails", "Webhook", "API keys"]) {
    expect(screen.getByRole("region", { name })).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name })).toBeInTheDocument();
  }
  expect(screen.getByLabelText("Email address")).toBeInTheDocument();
  expect(screen.getByLabelText("Key name")).toBeInTheDocument();
  expect(await screen.findByLabelText("Webhook URL")).toHaveValue("https://hooks.example.com/torale");
  expect(await screen.findByRole("heading", { level: 3, name: "Dev mailbox" })).toBeInTheDocument();
  expect(api.unmatched).toEqual([]);
});
