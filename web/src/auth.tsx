// Who is using the dashboard. Screens ask useSession(); only this file and clerk.tsx know
// whether that is Clerk in the cloud or the local dev user, so tests can mock one hook.
import { createContext, useContext, type ReactNode } from "react";

export type Session = {
  mode: "dev" | "clerk";
  /** signOut ends a Clerk session; under torale dev there is nothing to end. */
  signOut?: () => void;
  /** account renders the signed-in user's account menu (Clerk's UserButton). */
  account?: ReactNode;
};

const SessionContext = createContext<Session>({ mode: "dev" });

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
