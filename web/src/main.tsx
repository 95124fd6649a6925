import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { SessionProvider } from "./auth";
import { loadConfig } from "./config";
import { newQueryClient } from "./query";
import "./styles.css";

const ClerkGate = lazy(() => import("./clerk"));

const root = createRoot(document.getElementById("root")!);

function shell(children: React.ReactNode) {
  return (
    <StrictMode>
      <QueryClientProvider client={newQueryClient()}>
        <BrowserRouter>{children}</BrowserRouter>
      </QueryClientProvider>
    </StrictMode>
  );
}

loadConfig()
  .then((cfg) => {
    if (cfg.auth === "clerk" && cfg.clerk_publishable_key) {
      root.render(
        shell(
          <Suspense fallback={<p className="boot">Loading…</p>}>
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
  })
  .catch((err: Error) => {
    root.render(
      <main className="boot" role="alert">
        <h1>Torale could not start</h1>
        <p>{err.message}</p>
      </main>,
    );
  });
