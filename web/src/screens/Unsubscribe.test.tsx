import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import Unsubscribe from "./Unsubscribe";

afterEach(() => vi.unstubAllGlobals());

function renderPage(token: string | null) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <Unsubscribe token={token} />
    </QueryClientProvider>,
  );
}

test("it asks first, then posts the token and confirms", async () => {
  const calls: string[] = [];
  vi.stubGlobal("fetch", async (req: Request) => {
    calls.push(`${req.method} ${new URL(req.url).pathname}${new URL(req.url).search}`);
    return new Response(JSON.stringify({ unsubscribed: true }), { headers: { "Content-Type": "application/json" } });
  });
  renderPage("tok123");
  expect(calls).toEqual([]);
  await userEvent.click(screen.getByRole("button", { name: "Stop these emails" }));
  expect(await screen.findByRole("status")).toHaveTextContent(/no longer email/);
  expect(calls).toEqual(["POST /api/v1/unsubscribe?token=tok123"]);
});

test("a bad link says so in words", async () => {
  vi.stubGlobal("fetch", async () =>
    new Response(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "this unsubscribe link is not valid" }), {
      status: 404,
      headers: { "Content-Type": "application/problem+json" },
    }),
  );
  renderPage("bad");
  await userEvent.click(screen.getByRole("button", { name: "Stop these emails" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("this unsubscribe link is not valid");
});

test("without a token there is nothing to press", () => {
  renderPage(null);
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
  expect(screen.getByText(/missing its token/)).toBeInTheDocument();
});
