// Your data: download everything Torale holds about you, or delete the account. Deleting asks
// for the account's email address to be typed, as the API does, since it cannot be undone.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, ApiError, friendly, unwrap } from "../api/client";
import { useMe } from "../api/hooks";
import { Field } from "../ui/Field";
import { ErrorState, Loading } from "../ui/State";

async function download() {
  let res: { data?: Blob; error?: unknown; response: Response };
  try {
    res = await api.GET("/api/v1/me/export", { parseAs: "blob" });
  } catch {
    throw new ApiError(0, undefined, "Torale could not be reached. Check your connection and try again.");
  }
  if (!res.response.ok || !res.data) throw new ApiError(res.response.status, undefined, res.response.statusText);
  const url = URL.createObjectURL(res.data);
  const a = document.createElement("a");
  a.href = url;
  a.download = "torale-export.json";
  a.click();
  URL.revokeObjectURL(url);
}

export function YourData() {
  const me = useMe();
  const exp = useMutation({ mutationFn: download });
  const [typed, setTyped] = useState("");
  const del = useMutation({
    mutationFn: (confirm: string) => unwrap(api.DELETE("/api/v1/me", { body: { confirm } })),
  });
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  const want = me.data.email || me.data.id;
  if (del.isSuccess)
    return (
      <p role="status">
        Your account is deleted.{del.data.confirmation_sent_to ? ` A confirmation went to ${del.data.confirmation_sent_to}.` : ""}
      </p>
    );
  return (
    <>
      <p className="muted">
        Download everything Torale holds about you as JSON: your tasks, every run, notifications, deliveries, addresses and
        settings (secrets left out).
      </p>
      <p className="actions">
        <button type="button" className="button" disabled={exp.isPending} onClick={() => exp.mutate()}>
          {exp.isPending ? "Preparing…" : "Download my data"}
        </button>
      </p>
      {exp.isError && <p role="alert">{friendly(exp.error)}</p>}
      <h3>Delete the account</h3>
      <p className="muted">
        Deletes every task with its schedule, every run, notification, address, webhook and feed. Your API keys stop working
        and a confirmation goes to your sign-in address. This cannot be undone.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          del.mutate(typed.trim());
        }}
      >
        <Field label={`Type ${want} to confirm`}>
          {(p) => <input {...p} value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />}
        </Field>
        <button type="submit" className="button danger" disabled={del.isPending || typed.trim().toLowerCase() !== want.toLowerCase()}>
          Delete my account
        </button>
      </form>
      {del.isError && <p role="alert">{friendly(del.error)}</p>}
    </>
  );
}
