// Sign-in with Clerk, loaded only when the API serves a publishable key: Clerk's script comes
// from Clerk's servers, so under torale dev (and in tests here) it is never requested.
import { ClerkProvider, Show, SignIn, UserButton, useAuth } from "@clerk/react";
import { useEffect, type ReactNode } from "react";
import { setTokenSource } from "./api/client";
import { SessionProvider } from "./auth";

function TokenBridge({ children }: { children: ReactNode }) {
  const { getToken, signOut } = useAuth();
  useEffect(() => {
    setTokenSource(() => getToken());
  }, [getToken]);
  return (
    <SessionProvider value={{ mode: "clerk", signOut: () => void signOut(), account: <UserButton /> }}>
      {children}
    </SessionProvider>
  );
}

export default function ClerkGate({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey}>
      <Show when="signed-in">
        <TokenBridge>{children}</TokenBridge>
      </Show>
      <Show when="signed-out">
        <main className="signin">
          <h1>Torale</h1>
          <p>Sign in to see your watches.</p>
          <SignIn routing="hash" />
        </main>
      </Show>
    </ClerkProvider>
  );
}
