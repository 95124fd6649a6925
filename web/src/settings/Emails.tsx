// The addresses notifications may go to. Adding one mails a 6-digit code; the address counts
// only once that code comes back. Under torale dev the mail never leaves the machine, so the
// dev mailbox below shows it on the page.
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, friendly, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth";
import { Field } from "../ui/Field";
import { Empty, ErrorState, Loading } from "../ui/State";
import { DevMailbox } from "./DevMailbox";
import { Time } from "./Time";

type Address = Schemas["EmailAddress"];
const key = ["/api/v1/emails"];

export function Emails() {
  const qc = useQueryClient();
  const session = useSession();
  const list = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/emails")) });
  const [note, setNote] = useState("");
  const noteRef = useRef<HTMLParagraphElement>(null);
  // pending is the address whose code the verify form asks for.
  const [pending, setPending] = useState<string | null>(null);

  const remove = useMutation({
    mutationFn: (email: string) => unwrap(api.DELETE("/api/v1/emails/{email}", { params: { path: { email } } })),
    onSuccess: (_d, email) => {
      setNote(`${email} was removed.`);
      // The button that had focus is gone with its row; the note saying why takes it.
      requestAnimationFrame(() => noteRef.current?.focus());
      if (pending === email) setPending(null);
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (err) => setNote(friendly(err)),
  });

  return (
    <>
      <p className="muted">Tasks can email only addresses you have verified. The address you sign in with counts as verified.</p>
      {list.isPending ? (
        <Loading label="Loading addresses…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <Empty title="No addresses yet">
          <p>Add one below; we mail it a code to prove it is yours.</p>
        </Empty>
      ) : (
        <ul className="rows">
          {list.data.data.map((a) => (
            <AddressRow
              key={a.email}
              a={a}
              busy={remove.isPending && remove.variables === a.email}
              onRemove={() => remove.mutate(a.email)}
              onEnterCode={() => setPending(a.email)}
            />
          ))}
        </ul>
      )}
      <p role="status" className="note" ref={noteRef} tabIndex={-1}>
        {note}
      </p>
      <AddForm
        onSent={(a) => {
          if (a.verified) {
            setNote(`${a.email} is already verified.`);
            setPending(null);
          } else {
            setNote("");
            setPending(a.email);
          }
        }}
      />
      {pending && (
        <VerifyForm
          key={pending}
          email={pending}
          onVerified={(email) => {
            setPending(null);
            setNote(`${email} is verified. Tasks can now email it.`);
          }}
        />
      )}
      {session.mode === "dev" && <DevMailbox />}
    </>
  );
}

function AddressRow({ a, busy, onRemove, onEnterCode }: { a: Address; busy: boolean; onRemove: () => void; onEnterCode: () => void }) {
  return (
    <li className="row">
      <span className="row-main">{a.email}</span>
      {a.account ? (
        <span className="badge ok">sign-in address</span>
      ) : a.verified ? (
        <span className="badge ok">verified</span>
      ) : (
        <span className="badge warn">unverified</span>
      )}
      {!a.verified && a.code_expires_at && (
        <span className="muted small">
          code expires <Time iso={a.code_expires_at} />
        </span>
      )}
      <span className="row-actions">
        {!a.verified && (
          <button type="button" className="button" aria-label={`Enter code for ${a.email}`} onClick={onEnterCode}>
            Enter code
          </button>
        )}
        {!a.account && (
          <button type="button" className="button" aria-label={`Remove ${a.email}`} disabled={busy} onClick={onRemove}>
            Remove
          </button>
        )}
      </span>
    </li>
  );
}

function AddForm({ onSent }: { onSent: (a: Address) => void }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const send = useMutation({
    mutationFn: (addr: string) => unwrap(api.POST("/api/v1/emails", { body: { email: addr } })),
    onSuccess: (a) => {
      setEmail("");
      onSent(a);
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: ["/api/v1/dev/mailbox"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate(email.trim());
  };
  const err = send.error;
  const fieldErr = err instanceof ApiError ? err.fieldErrors.email : undefined;
  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <Field label="Email address" error={fieldErr ?? (err ? friendly(err) : undefined)}>
        {(p) => (
          <input {...p} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <button type="submit" className="button primary" disabled={send.isPending || email.trim() === ""}>
        {send.isPending ? "Sending…" : "Send code"}
      </button>
    </form>
  );
}

function VerifyForm({ email, onVerified }: { email: string; onVerified: (email: string) => void }) {
  const qc = useQueryClient();
  const [code, setCode] = useState("");
  const verify = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/emails/verify", { body: { email, code: code.trim() } })),
    onSuccess: () => {
      onVerified(email);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const err = verify.error;
  const fieldErr = err instanceof ApiError ? (err.fieldErrors.code ?? err.fieldErrors.email) : undefined;
  return (
    <form
      className="inline-form verify"
      onSubmit={(e) => {
        e.preventDefault();
        verify.mutate();
      }}
      noValidate
    >
      <Field
        label="Verification code"
        hint={`We mailed a 6-digit code to ${email}. It works for 15 minutes.`}
        error={fieldErr ?? (err ? friendly(err) : undefined)}
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button primary" disabled={verify.isPending || code.trim() === ""}>
        {verify.isPending ? "Verifying…" : "Verify"}
      </button>
    </form>
  );
}
