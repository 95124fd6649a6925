// The default webhook: where it points, whether it is on, the secret that signs every webhook,
// its custom headers, a test send, endpoints Torale turned off after a 410 Gone, and the log of deliveries.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, friendly, unwrap, type Schemas } from "../api/client";
import { Field } from "../ui/Field";
import { ErrorState, Loading } from "../ui/State";
import { Secret } from "./Secret";
import { TestResult } from "./TestResult";
import { Time } from "./Time";
import { WebhookDeliveries } from "./WebhookDeliveries";
import { WebhookHeaders } from "./WebhookHeaders";

type Settings = Schemas["WebhookSettings"];
export const webhookKey = ["/api/v1/webhook"];

export function Webhook() {
  const settings = useQuery({ queryKey: webhookKey, queryFn: () => unwrap(api.GET("/api/v1/webhook")) });
  if (settings.isPending) return <Loading label="Loading webhook settings…" />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  const s = settings.data;
  return (
    <>
      <p className="muted">
        Tasks whose webhook notification names no URL post here. Every webhook is signed (Standard Webhooks), so your
        receiver can check it came from Torale.
      </p>
      <WebhookForm s={s} />
      <Disabled s={s} />
      <Secret s={s} />
      <WebhookHeaders s={s} />
      <WebhookDeliveries />
    </>
  );
}

function WebhookForm({ s }: { s: Settings }) {
  const qc = useQueryClient();
  const [url, setUrl] = useState(s.url);
  const [enabled, setEnabled] = useState(s.url === "" ? true : s.enabled);
  const [saved, setSaved] = useState("");
  // The form follows the server when the settings change under it (a save, a re-enable).
  useEffect(() => {
    setUrl(s.url);
    setEnabled(s.url === "" ? true : s.enabled);
  }, [s.url, s.enabled]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/v1/webhook", { body: { url: url.trim(), enabled: url.trim() !== "" && enabled } })),
    onSuccess: (next) => {
      setSaved(next.url ? "Webhook saved." : "Webhook cleared.");
      qc.setQueryData(webhookKey, next);
    },
    onError: () => setSaved(""),
  });
  const test = useMutation({
    mutationFn: () => {
      const target = url.trim();
      return unwrap(api.POST("/api/v1/webhook/test", target ? { body: { url: target } } : {}));
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["/api/v1/webhook/deliveries"] }),
  });
  const err = save.error;
  const fieldErr = err instanceof ApiError ? (err.fieldErrors.url ?? err.fieldErrors.enabled) : undefined;
  return (
    <form
      className="webhook-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p>
        Status:{" "}
        {s.url === "" ? (
          <span className="badge">not set</span>
        ) : s.enabled ? (
          <span className="badge ok">on</span>
        ) : (
          <span className="badge warn">off</span>
        )}
      </p>
      <Field
        label="Webhook URL"
        hint="An https address on a public host (port 443 or 8443). Leave it empty to clear it."
        error={fieldErr ?? (err ? friendly(err) : undefined)}
      >
        {(p) => (
          <input
            {...p}
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://example.com/hooks/torale"
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setSaved("");
            }}
          />
        )}
      </Field>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Send notifications to this
        webhook
      </label>
      <div className="actions">
        <button type="submit" className="button primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save webhook"}
        </button>
        <button type="button" className="button" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? "Sending…" : "Send test"}
        </button>
        <span className="muted small" role="status">
          {saved}
        </span>
      </div>
      <TestResult pending={test.isPending} result={test.data} error={test.error} />
    </form>
  );
}

function Disabled({ s }: { s: Settings }) {
  const qc = useQueryClient();
  const enable = useMutation({
    mutationFn: (url: string) => unwrap(api.POST("/api/v1/webhook/enable", { body: { url } })),
    onSuccess: (next) => qc.setQueryData(webhookKey, next),
  });
  if (s.disabled_endpoints.length === 0) return null;
  return (
    <div className="disabled-endpoints">
      <h3>Disabled endpoints</h3>
      <p className="muted small">Torale stopped posting to these after they answered 410 Gone. Deliveries to them fail at once until you re-enable them.</p>
      {enable.isError && <ErrorState error={enable.error} />}
      <ul className="rows">
        {s.disabled_endpoints.map((d) => (
          <li key={d.url} className="row warn-row">
            <span className="row-main">
              <code className="wrap">{d.url}</code>
              <span className="small">
                {d.reason} · disabled <Time iso={d.disabled_at} />
              </span>
            </span>
            <span className="row-actions">
              <button
                type="button"
                className="button"
                aria-label={`Re-enable ${d.url}`}
                disabled={enable.isPending && enable.variables === d.url}
                onClick={() => enable.mutate(d.url)}
              >
                Re-enable
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
