// The secret that signs every webhook: hidden until asked for, copyable, and rotatable. A
// rotation keeps the old secret signing for 24 hours, which the confirmation says.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { Confirm } from "../ui/Confirm";
import { CopyButton } from "../ui/Copy";
import { ErrorState } from "../ui/State";
import { Time } from "./Time";

const webhookKey = ["/api/v1/webhook"];

/** masked hides all of a secret but its whsec_ prefix. */
export function masked(secret: string): string {
  const prefix = secret.startsWith("whsec_") ? "whsec_" : "";
  return prefix + "•".repeat(24);
}

export function Secret({ s }: { s: Schemas["WebhookSettings"] }) {
  const qc = useQueryClient();
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState(false);
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/webhook/rotate-secret")),
    onSuccess: (next) => {
      qc.setQueryData(webhookKey, next);
      setRotated(true);
    },
  });
  return (
    <div className="secret">
      <h3>Signing secret</h3>
      <p className="secret-value">
        <code aria-label={shown ? "Signing secret" : "Signing secret (hidden)"}>{shown ? s.secret : masked(s.secret)}</code>
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => setShown(!shown)}>
          {shown ? "Hide secret" : "Reveal secret"}
        </button>
        <CopyButton text={s.secret} label="Copy secret" />
        <button type="button" className="button" disabled={rotate.isPending} onClick={() => setConfirming(true)}>
          {rotate.isPending ? "Rotating…" : "Rotate secret"}
        </button>
      </div>
      <p role="status" className="muted small">
        {rotated ? "A new secret was made. " : ""}
        {s.previous_secret_expires_at && (
          <>
            The previous secret also signs until <Time iso={s.previous_secret_expires_at} />.
          </>
        )}
        {!s.previous_secret_expires_at && s.rotated_at && (
          <>
            Last rotated <Time iso={s.rotated_at} />.
          </>
        )}
      </p>
      {rotate.isError && <ErrorState error={rotate.error} />}
      {confirming && (
        <Confirm
          title="Rotate the signing secret?"
          body="A new secret signs every webhook from now on. For 24 hours the old one signs too, so you can update your receiver without missing deliveries."
          confirmLabel="Rotate secret"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            rotate.mutate();
          }}
        />
      )}
    </div>
  );
}
