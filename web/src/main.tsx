import { lazy, StrictMode, Suspense, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { SessionProvider } from "./auth";
import { loadConfig } from "./config";
import { newQueryClient } from "./query";
import "./styles.css";

const ClerkGate = lazy(() => import("./clerk"));
const Unsubscribe = lazy(() => import("./screens/Unsubscribe"));
const PublicSite = lazy(() => import("./sharing/PublicSite"));

const root = createRoot(document.getElementById("root")!);
const booting = <p className="boot">Loading…</p>;

function shell(children: ReactNode) {
  return (
    <StrictMode>
      <QueryClientProvider client={newQueryClient()}>
        <BrowserRouter>{children}</BrowserRouter>
      </QueryClientProvider>
    </StrictMode>
  );
}

// The unsubscribe page works without signing in, so it is drawn before any sign-in gate.
if (location.pathname === "/unsubscribe") {
  root.render(
    shell(
      <Suspense fallback={booting}>
        <Unsubscribe token={new URLSearchParams(location.search).get("token")} />
      </Suspense>,
    ),
  );
} else if (isPublicPath(location.pathname)) {
  // Public watches and Explore are for everyone: drawn before any sign-in gate, so a visitor
  // who is not signed in reads them even where Clerk is configured.
  root.render(
    shell(
      <Suspense fallback={booting}>
        <PublicSite />
      </Suspense>,
    ),
  );
} else {
  void start();
}

function isPublicPath(path: string): boolean {
  return path === "/explore" || path.startsWith("/p/");
}

// start asks the API how users sign in here, then draws the app behind Clerk or as the dev user.
async function start() {
  try {
    const cfg = await loadConfig();
    if (cfg.auth === "clerk" && cfg.clerk_publishable_key) {
      root.render(
        shell(
          <Suspense fallback={booting}>
            <ClerkGate publishableKey={cfg.clerk_publishable_key}>
              <App />
            </ClerkGate>
          </Suspense>,
        ),
      );
      return;
    }
    root.render(
      shell(
        <SessionProvider value={{ mode: "dev" }}>
          <App />
        </SessionProvider>,
      ),
    );
  } catch (err) {
    root.render(
      <main className="boot" role="alert">
        <h1>Torale could not start</h1>
        <p>{err instanceof Error ? err.message : String(err)}</p>
      </main>,
    );
  }
}
