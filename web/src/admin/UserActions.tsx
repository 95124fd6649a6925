// What an admin can do to an account from the users list: deactivate it (its keys and sessions
// stop, its tasks pause) or reactivate it, and grant or revoke admin. Each asks first, since
// each changes what someone else can do, and each is logged with the admin's name.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, friendly, unwrap, type Schemas } from "../api/client";
import { Confirm } from "../ui/Confirm";

type User = Schemas["User"];
type Action = "deactivate" | "reactivate" | "grant" | "revoke";

const copy: Record<Action, { label: string; title: (who: string) => string; body: string; danger?: boolean }> = {
  deactivate: {
    label: "Deactivate",
    title: (who) => `Deactivate ${who}?`,
    body: "Their API keys and sessions stop working at once and every active task of theirs is paused. Nothing is deleted; you can reactivate the account later.",
    danger: true,
  },
  reactivate: {
    label: "Reactivate",
    title: (who) => `Reactivate ${who}?`,
    body: "They can sign in again, and the tasks the deactivation paused are resumed (tasks they had paused themselves stay paused).",
  },
  grant: {
    label: "Make admin",
    title: (who) => `Make ${who} an admin?`,
    body: "They can see every user's tasks and runs and take every admin action, including this one.",
    danger: true,
  },
  revoke: {
    label: "Revoke admin",
    title: (who) => `Take ${who}'s admin role away?`,
    body: "They keep their account and tasks but lose the admin console.",
  },
};

function call(action: Action, id: string) {
  const path = { params: { path: { id } } };
  switch (action) {
    case "deactivate":
      return unwrap(api.POST("/api/v1/admin/users/{id}/deactivate", path)).then((c) => c.user);
    case "reactivate":
      return unwrap(api.POST("/api/v1/admin/users/{id}/reactivate", { ...path, body: { resume_tasks: true } })).then((c) => c.user);
    case "grant":
      return unwrap(api.POST("/api/v1/admin/users/{id}/role", { ...path, body: { role: "admin" } }));
    case "revoke":
      return unwrap(api.POST("/api/v1/admin/users/{id}/role", { ...path, body: { role: "user" } }));
  }
}

export function UserActions({ u, me, say }: { u: User; me: string; say: (msg: string) => void }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState<Action | null>(null);
  const who = u.email || u.id.slice(0, 8);
  const act = useMutation({
    mutationFn: (a: Action) => call(a, u.id),
    onSuccess: (after, a) => {
      say(a === "deactivate" || a === "reactivate" ? `${who} is ${after.deactivated_at ? "deactivated" : "active"}.` : `${who} is now ${after.role === "admin" ? "an admin" : "a user"}.`);
      void qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith("/api/v1/admin/") });
    },
    onError: (err) => say(`${who} could not be changed: ${friendly(err)}`),
  });
  if (u.id === me) return <span className="muted small">you</span>;
  const actions: Action[] = [u.deactivated_at ? "reactivate" : "deactivate", u.role === "admin" ? "revoke" : "grant"];
  const c = asking ? copy[asking] : null;
  return (
    <span className="actions nowrap">
      {actions.map((a) => (
        <button key={a} type="button" className="button" aria-label={`${copy[a].label} ${who}`} disabled={act.isPending} onClick={() => setAsking(a)}>
          {copy[a].label}
        </button>
      ))}
      {asking && c && (
        <Confirm
          title={c.title(who)}
          body={c.body}
          confirmLabel={c.label}
          danger={c.danger}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            act.mutate(asking);
            setAsking(null);
          }}
        />
      )}
    </span>
  );
}
