import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderB } from "../test/renderB";
import { problem, stubApi } from "../test/fetchStub-b";
import { Redeliver } from "./Redeliver";

afterEach(() => vi.unstubAllGlobals());

test("a failed delivery can be sent again, and says so", async () => {
  const api = stubApi({ "POST /api/v1/webhook/deliveries/d1/redeliver": { id: "d2" } });
  const u = userEvent.setup();
  renderB(<Redeliver id="d1" status="failed" label="the delivery of Prices" />);
  await u.click(screen.getByRole("button", { name: "Send the delivery of Prices again" }));
  expect(await screen.findByText(/Queued/)).toBeInTheDocument();
  expect(api.called("POST", "/api/v1/webhook/deliveries/d1/redeliver")).toHaveLength(1);
});

test("a refused replay says why; a pending delivery offers none", async () => {
  stubApi({ "POST /api/v1/webhook/deliveries/d1/redeliver": problem(429, "Too many redeliver requests; try again in 6 s.") });
  const u = userEvent.setup();
  const { unmount } = renderB(<Redeliver id="d1" status="delivered" label="it" />);
  await u.click(screen.getByRole("button", { name: "Send it again" }));
  expect(await screen.findByText(/try again in 6 s/)).toBeInTheDocument();
  unmount();
  renderB(<Redeliver id="d1" status="pending" label="it" />);
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
});
