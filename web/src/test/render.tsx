// renderScreen renders a screen the way the app does (TanStack Query, a router, a session),
// with retries off so a stubbed failure shows at once, and a fresh cache per test.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { configure, render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { SessionProvider, type Session } from "../auth";

// Two cores are shared by several test runs at once: give findBy/waitFor room before failing.
configure({ asyncUtilTimeout: 4000 });

export type RenderOptions = {
  /** route is the URL the router starts at, e.g. "/tasks/abc?tab=runs". */
  route?: string;
  /** path is the route pattern the screen is mounted at, e.g. "/tasks/:id", so useParams works. */
  path?: string;
  session?: Session;
};

export type RenderScreenResult = RenderResult & {
  queryClient: QueryClient;
  /** location returns the router's current pathname + search, to assert navigation. */
  location: () => string;
};

export function testQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: 0, gcTime: Infinity, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function renderScreen(ui: ReactElement, opts: RenderOptions = {}): RenderScreenResult {
  const queryClient = testQueryClient();
  const current = { value: opts.route ?? "/" };
  function Spy() {
    const loc = useLocation();
    current.value = loc.pathname + loc.search;
    return null;
  }
  const result = render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider value={opts.session ?? { mode: "dev" }}>
        <MemoryRouter initialEntries={[opts.route ?? "/"]}>
          <Spy />
          <Routes>
            <Route path={opts.path ?? "*"} element={ui} />
            {/* Any other path renders a marker, so a test can see where a screen navigated. */}
            <Route path="*" element={<p data-testid="elsewhere">elsewhere</p>} />
          </Routes>
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient, location: () => current.value };
}
