// Chat and push channels (Slack, Discord, Telegram, ntfy, ...). The add form is built from the
// kinds the API lists, so a kind the server learns needs no change here. Secrets are sent once
// and only ever come back masked; a test message goes through the same checks as a real one.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, friendly, unwrap, type Schemas } from "../api/client";
import { duration } from "../format";
import { Field } from "../ui/Field";
import { Empty, ErrorState, Loading } from "../ui/State";

type Channel = Schemas["Channel"];
type Kind = Schemas["ChannelKind"];
type TestResult = Schemas["ChannelTestResult"];
const key = ["/api/v1/channels"];

export function Channels() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/channels")) });
  const kinds = useQuery({ queryKey: ["/api/v1/channels/kinds"], queryFn: () => unwrap(api.GET("/api/v1/channels/kinds")) });
  const [note, setNote] = useState("");
  const remove = useMutation({
    mutationFn: (c: Channel) => unwrap(api.DELETE("/api/v1/channels/{id}", { params: { path: { id: c.id } } })),
    onSuccess: (_d, c) => {
      setNote(`${c.name} was deleted.`);
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (err) => setNote(friendly(err)),
  });

  return (
    <>
      <p className="muted">
        Save a chat or push channel once, then pick it in a task. Secrets (webhook URLs, tokens) are stored encrypted and shown
        masked after saving. A message whose send timed out may arrive twice: chat services cannot tell a retry from a new message.
      </p>
      {list.isPending ? (
        <Loading label="Loading channels…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <Empty title="No channels yet">
          <p>Add one below.</p>
        </Empty>
      ) : (
        <ul className="rows">
          {list.data.data.map((c) => (
            <ChannelRow key={c.id} c={c} busy={remove.isPending && remove.variables?.id === c.id} onRemove={() => remove.mutate(c)} />
          ))}
        </ul>
      )}
      <p role="status" className="note">
        {note}
      </p>
      {kinds.isSuccess && kinds.data.data.length > 0 && <AddForm kinds={kinds.data.data} onSaved={(c) => setNote(`${c.name} was saved.`)} />}
    </>
  );
}

function ChannelRow({ c, busy, onRemove }: { c: Channel; busy: boolean; onRemove: () => void }) {
  const qc = useQueryClient();
  const test = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/channels/{id}/test", { params: { path: { id: c.id } } })),
  });
  // The flags change in place; settings are changed by adding the channel again (or the CLI's
  // `torale channels update`), so a secret is never sent back to the page.
  const flag = useMutation({
    mutationFn: (body: { is_default?: boolean; for_alerts?: boolean }) =>
      unwrap(api.PATCH("/api/v1/channels/{id}", { params: { path: { id: c.id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
  return (
    <li className="row">
      <span className="row-main">
        {c.name} <span className="muted small">{c.kind}</span>
        <span className="muted small">
          {" "}
          {Object.entries(c.settings)
            .map(([k, v]) => `${k}: ${v}`)
            .join(" · ")}
        </span>
      </span>
      {c.is_default && <span className="badge ok">default</span>}
      {c.for_alerts && <span className="badge">alerts</span>}
      <span className="row-actions">
        <button
          type="button"
          className="button"
          aria-pressed={c.is_default}
          aria-label={`Use ${c.name} as a default channel`}
          disabled={flag.isPending}
          onClick={() => flag.mutate({ is_default: !c.is_default })}
        >
          Default
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={c.for_alerts}
          aria-label={`Send failure alerts to ${c.name}`}
          disabled={flag.isPending}
          onClick={() => flag.mutate({ for_alerts: !c.for_alerts })}
        >
          Alerts
        </button>
        <button type="button" className="button" aria-label={`Send a test to ${c.name}`} disabled={test.isPending} onClick={() => test.mutate()}>
          Send test
        </button>
        <button type="button" className="button" aria-label={`Delete ${c.name}`} disabled={busy} onClick={onRemove}>
          Delete
        </button>
      </span>
      <TestOutcome pending={test.isPending} result={test.data} error={test.error} />
      {flag.isError && <p className="bad-text">{friendly(flag.error)}</p>}
    </li>
  );
}

function TestOutcome({ pending, result, error }: { pending: boolean; result?: TestResult; error: unknown }) {
  let body = null;
  if (pending) body = <p>Sending a test message…</p>;
  else if (error) body = <p className="bad-text">{friendly(error)}</p>;
  else if (result)
    body = (
      <p className={result.ok ? "test-result ok" : "test-result bad"}>
        <strong>{result.ok ? "Test delivered." : "Test failed."}</strong>{" "}
        {result.status_code == null ? "No response" : `HTTP ${result.status_code}`} in {duration(result.latency_ms)}.
        {result.error && ` ${result.error}`}
      </p>
    );
  return (
    <div role="status" aria-live="polite" className="test-status">
      {body}
    </div>
  );
}

function AddForm({ kinds, onSaved }: { kinds: Kind[]; onSaved: (c: Channel) => void }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState(kinds[0]!.kind);
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [isDefault, setDefault] = useState(false);
  const [forAlerts, setAlerts] = useState(false);
  const fields = kinds.find((k) => k.kind === kind)?.fields ?? [];
  const save = useMutation({
    mutationFn: () => {
      const settings: Record<string, string> = {};
      for (const f of fields) if (values[f.name]?.trim()) settings[f.name] = values[f.name]!.trim();
      return unwrap(api.POST("/api/v1/channels", { body: { kind, name: name.trim(), settings, is_default: isDefault, for_alerts: forAlerts } }));
    },
    onSuccess: (c) => {
      // The secrets leave the page once saved.
      setName("");
      setValues({});
      onSaved(c);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const err = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const other = save.error && Object.keys(err).length === 0 ? friendly(save.error) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="stack-form" onSubmit={submit} noValidate aria-label="Add a channel">
      <Field label="Kind" error={err.kind}>
        {(p) => (
          <select {...p} value={kind} onChange={(e) => { setKind(e.target.value); setValues({}); }}>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.kind}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Name" error={err.name}>
        {(p) => <input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      {fields.map((f) => (
        <Field key={`${kind}.${f.name}`} label={f.label + (f.required ? "" : " (optional)")} hint={f.hint} error={err[`settings.${f.name}`]}>
          {(p) => (
            <input
              {...p}
              type={f.secret ? "password" : f.url ? "url" : "text"}
              autoComplete="off"
              required={f.required}
              placeholder={f.default}
              value={values[f.name] ?? ""}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
        </Field>
      ))}
      <label className="check">
        <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} /> Default: tasks sending to
        your default channels use it
      </label>
      <label className="check">
        <input type="checkbox" checked={forAlerts} onChange={(e) => setAlerts(e.target.checked)} /> Send failure alerts here
      </label>
      {other && <p className="field-error">{other}</p>}
      <button type="submit" className="button primary" disabled={save.isPending || name.trim() === ""}>
        {save.isPending ? "Saving…" : "Save channel"}
      </button>
    </form>
  );
}
