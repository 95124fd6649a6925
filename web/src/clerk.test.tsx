// The signed-in path under Clerk, with Clerk's hooks mocked: its script loads from Clerk's
// servers, which tests cannot reach. What matters here is ours: the gate shows sign-in when
// signed out, and when signed in every API request carries the session's token.
import { render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { api, setTokenSource } from "./api/client";
import { useSession } from "./auth";

const clerk = vi.hoisted(() => ({ signedIn: false, getToken: vi.fn(async () => "session-token-123"), signOut: vi.fn() }));

vi.mock("@clerk/react", () => ({
  ClerkProvider: ({ children }: { children: ReactNode }) => <>{children}</>,
  Show: ({ when, children }: { when: string; children: ReactNode }) =>
    (when === "signed-in") === clerk.signedIn ? <>{children}</> : null,
  SignIn: () => <p>Clerk sign-in form</p>,
  UserButton: () => <button type="button">Account</button>,
  useAuth: () => ({ getToken: clerk.getToken, signOut: clerk.signOut }),
}));

const { default: ClerkGate } = await import("./clerk");

function Probe() {
  const s = useSession();
  return (
    <>
      <p>mode {s.mode}</p>
      {s.account}
    </>
  );
}

afterEach(() => {
  setTokenSource(async () => null);
  vi.unstubAllGlobals();
});

test("signed out, the gate shows Clerk's sign-in and not the app", () => {
  clerk.signedIn = false;
  render(
    <ClerkGate publishableKey="pk_test_x">
      <Probe />
    </ClerkGate>,
  );
  expect(screen.getByText("Clerk sign-in form")).toBeInTheDocument();
  expect(screen.queryByText(/mode/)).not.toBeInTheDocument();
});

test("signed in, the app sees a Clerk session and requests carry its token", async () => {
  clerk.signedIn = true;
  const seen: (string | null)[] = [];
  vi.stubGlobal("fetch", async (req: Request) => {
    seen.push(req.headers.get("Authorization"));
    return new Response(JSON.stringify({ id: "u", email: "a@b.c", display_name: "A", role: "user", created_at: "2026-01-01T00:00:00Z" }), {
      headers: { "Content-Type": "application/json" },
    });
  });
  render(
    <ClerkGate publishableKey="pk_test_x">
      <Probe />
    </ClerkGate>,
  );
  expect(screen.getByText("mode clerk")).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Account" })).toBeInTheDocument();
  await waitFor(async () => {
    await api.GET("/api/v1/me");
    expect(seen.at(-1)).toBe("Bearer session-token-123");
  });
});
