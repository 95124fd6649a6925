// webB's test render: a screen inside a fresh QueryClient (no retries, so an error shows at
// once), a MemoryRouter at a URL, and a session in the given mode.
import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router";
import { SessionProvider, type Session } from "../auth";

export function renderB(ui: ReactElement, opts: { url?: string; mode?: Session["mode"] } = {}) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: 0, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
  const result = render(
    <QueryClientProvider client={client}>
      <SessionProvider value={{ mode: opts.mode ?? "dev" }}>
        <MemoryRouter initialEntries={[opts.url ?? "/"]}>{ui}</MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { ...result, client };
}
