// Custom headers sent with every delivery to the webhook's origin (an Authorization header for
// the receiver, say). Values are write-only: the API keeps them encrypted and shows only the
// last four characters, so the list offers replace and remove, never reveal.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, friendly, unwrap, type Schemas } from "../api/client";
import { Field } from "../ui/Field";
import { webhookKey } from "./Webhook";

type Settings = Schemas["WebhookSettings"];
const maxHeaders = 10;

function useSetHeader() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (h: { name: string; value: string }) =>
      unwrap(api.PUT("/api/v1/webhook/headers/{name}", { params: { path: { name: h.name } }, body: { value: h.value } })),
    onSuccess: (next) => qc.setQueryData(webhookKey, next),
  });
}

export function WebhookHeaders({ s }: { s: Settings }) {
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE("/api/v1/webhook/headers/{name}", { params: { path: { name } } })),
    onSuccess: (next) => qc.setQueryData(webhookKey, next),
  });
  const headers = s.headers ?? [];
  return (
    <div className="webhook-headers">
      <h3>Custom headers</h3>
      <p className="muted small">
        Sent with every delivery and test to your webhook&apos;s address (not to task webhooks on other hosts). Values are
        stored encrypted and never shown again in full.
      </p>
      {remove.isError && (
        <p className="field-error" role="alert">
          {friendly(remove.error)}
        </p>
      )}
      {headers.length > 0 && (
        <ul className="rows">
          {headers.map((h) => (
            <HeaderRow key={h.name} h={h} removing={remove.isPending && remove.variables === h.name} onRemove={() => remove.mutate(h.name)} />
          ))}
        </ul>
      )}
      {headers.length < maxHeaders ? (
        <AddHeader />
      ) : (
        <p className="muted small">A webhook carries at most {maxHeaders} custom headers; remove one to add another.</p>
      )}
    </div>
  );
}

function HeaderRow({ h, removing, onRemove }: { h: Schemas["WebhookHeader"]; removing: boolean; onRemove: () => void }) {
  const [replacing, setReplacing] = useState(false);
  const [value, setValue] = useState("");
  const set = useSetHeader();
  return (
    <li className="row">
      <span className="row-main">
        <code>{h.name}</code>
        <span className="small">
          <code aria-label={`${h.name} value, masked`}>{h.value_masked}</code>
        </span>
      </span>
      {replacing ? (
        <form
          className="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            set.mutate({ name: h.name, value }, { onSuccess: () => (setReplacing(false), setValue("")) });
          }}
        >
          <Field label={`New value for ${h.name}`} error={set.error ? friendly(set.error) : undefined}>
            {(p) => <input {...p} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />}
          </Field>
          <button type="submit" className="button primary" disabled={set.isPending || value === ""}>
            {set.isPending ? "Saving…" : "Save"}
          </button>
          <button type="button" className="button" onClick={() => (setReplacing(false), setValue(""), set.reset())}>
            Cancel
          </button>
        </form>
      ) : (
        <span className="row-actions">
          <button type="button" className="button" aria-label={`Replace ${h.name}`} onClick={() => setReplacing(true)}>
            Replace
          </button>
          <button type="button" className="button" aria-label={`Remove ${h.name}`} disabled={removing} onClick={onRemove}>
            Remove
          </button>
        </span>
      )}
    </li>
  );
}

function AddHeader() {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const set = useSetHeader();
  return (
    <form
      className="inline-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate({ name: name.trim(), value }, { onSuccess: () => (setName(""), setValue("")) });
      }}
    >
      <Field label="Header name" hint="For example Authorization or X-Api-Key." error={set.error ? friendly(set.error) : undefined}>
        {(p) => <input {...p} autoComplete="off" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Header value">
        {(p) => <input {...p} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <button type="submit" className="button" disabled={set.isPending || name.trim() === "" || value === ""}>
        {set.isPending ? "Adding…" : "Add header"}
      </button>
    </form>
  );
}
