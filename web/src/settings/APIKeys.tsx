// API keys for scripts and the CLI. A new key is shown once, right after it is made (the
// server keeps only its hash); revoking one asks first, since scripts using it stop working.
import { useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, friendly, unwrap, type Schemas } from "../api/client";
import { Confirm } from "../ui/Confirm";
import { CopyButton } from "../ui/Copy";
import { Field } from "../ui/Field";
import { Empty, ErrorState, Loading } from "../ui/State";
import { Time } from "./Time";
import { TableWrap } from "./TableWrap";

type Key = Schemas["APIKey"];
const key = ["/api/v1/api-keys"];

export function APIKeys() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET("/api/v1/api-keys")) });
  const [fresh, setFresh] = useState<Schemas["NewAPIKey"] | null>(null);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [note, setNote] = useState("");
  const noteRef = useRef<HTMLParagraphElement>(null);
  const revoke = useMutation({
    mutationFn: (k: Key) => unwrap(api.DELETE("/api/v1/api-keys/{id}", { params: { path: { id: k.id } } })),
    onSuccess: (_d, k) => {
      setNote(`${k.name} was revoked.`);
      // The button that had focus is gone with its row; the note saying why takes it.
      requestAnimationFrame(() => noteRef.current?.focus());
      if (fresh?.id === k.id) setFresh(null);
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (err) => setNote(friendly(err)),
  });

  return (
    <>
      <p className="muted">
        Keys let scripts and the <code>torale</code> CLI act as you. Send one as <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <CreateForm
        onCreated={(k) => {
          setNote("");
          setFresh(k);
        }}
      />
      {fresh && <NewKey k={fresh} onDone={() => setFresh(null)} />}
      <p role="status" className="note" ref={noteRef} tabIndex={-1}>
        {note}
      </p>
      {list.isPending ? (
        <Loading label="Loading API keys…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <Empty title="No API keys">
          <p>Create one above when a script or the CLI needs to reach Torale.</p>
        </Empty>
      ) : (
        <TableWrap label="Key list">
          <table>
            <caption className="visually-hidden">Your API keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    <Time iso={k.created_at} />
                  </td>
                  <td>
                    <Time iso={k.last_used_at} />
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button"
                      aria-label={`Revoke ${k.name}`}
                      disabled={revoke.isPending && revoke.variables?.id === k.id}
                      onClick={() => setRevoking(k)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {revoking && (
        <Confirm
          title={`Revoke ${revoking.name}?`}
          body="Scripts and tools using this key stop working from their next request. This cannot be undone."
          confirmLabel="Revoke key"
          danger
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            revoke.mutate(revoking);
            setRevoking(null);
          }}
        />
      )}
    </>
  );
}

function CreateForm({ onCreated }: { onCreated: (k: Schemas["NewAPIKey"]) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/api-keys", { body: { name: name.trim() } })),
    onSuccess: (k) => {
      setName("");
      onCreated(k);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const err = create.error;
  const fieldErr = err instanceof ApiError ? err.fieldErrors.name : undefined;
  return (
    <form
      className="inline-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Field label="Key name" hint="Something to tell it by, such as “laptop CLI”." error={fieldErr ?? (err ? friendly(err) : undefined)}>
        {(p) => <input {...p} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <button type="submit" className="button primary" disabled={create.isPending || name.trim() === ""}>
        {create.isPending ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

function NewKey({ k, onDone }: { k: Schemas["NewAPIKey"]; onDone: () => void }) {
  return (
    <div className="new-secret" role="region" aria-labelledby="new-key-h">
      <h3 id="new-key-h">New key: {k.name}</h3>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Torale keeps only a hash of it.
      </p>
      <p>
        <code className="wrap" aria-label="New API key">
          {k.key}
        </code>
      </p>
      <div className="actions">
        <CopyButton text={k.key} label="Copy key" />
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
