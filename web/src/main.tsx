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
} else {
  void start();
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
