// The feed URLs a feed reader follows without an account: every notification, or one task's.
// Anyone with a URL can read the feed, so the URLs can be rotated, which stops the old ones.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, unwrap } from "../api/client";
import { Confirm } from "../ui/Confirm";
import { CopyButton } from "../ui/Copy";
import { ErrorState, Loading } from "../ui/State";
import { Time } from "./Time";

export const feedKey = ["/api/v1/feed"];

export function Feeds() {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState(false);
  const feed = useQuery({ queryKey: feedKey, queryFn: () => unwrap(api.GET("/api/v1/feed")) });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/feed/rotate")),
    onSuccess: (next) => {
      qc.setQueryData(feedKey, next);
      setRotated(true);
    },
  });
  if (feed.isPending) return <Loading label="Loading feed URLs…" />;
  if (feed.error instanceof ApiError && feed.error.status === 503) {
    // The deployment has no notify key, which the feed tokens derive from.
    return <p className="muted">Feeds are not available on this deployment.</p>;
  }
  if (feed.isError) return <ErrorState error={feed.error} retry={() => void feed.refetch()} />;
  const f = feed.data;
  return (
    <>
      <p className="muted">
        Follow every notification in a feed reader, without an account. Anyone with these URLs can read your
        notifications: keep them private, and rotate them if they leak. A task's own feed replaces{" "}
        <code>{"{task_id}"}</code> with the task's id.
      </p>
      <dl className="feed-urls">
        {(
          [
            ["Atom", f.atom_url],
            ["JSON Feed", f.json_url],
            ["One task (Atom)", f.task_atom_url],
          ] as const
        ).map(([label, url]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <code>{url}</code> <CopyButton text={url} label={`Copy ${label} URL`} />
            </dd>
          </div>
        ))}
      </dl>
      <div className="actions">
        <button type="button" className="button" disabled={rotate.isPending} onClick={() => setConfirming(true)}>
          {rotate.isPending ? "Rotating…" : "Rotate feed URLs"}
        </button>
      </div>
      <p role="status" className="muted small">
        {rotated ? "New feed URLs were made; the old ones no longer work. " : ""}
        Made <Time iso={f.created_at} />.
      </p>
      {rotate.isError && <ErrorState error={rotate.error} />}
      {confirming && (
        <Confirm
          title="Rotate the feed URLs?"
          body="The current feed URLs stop working at once. Give your feed reader the new ones."
          confirmLabel="Rotate feed URLs"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            rotate.mutate();
          }}
        />
      )}
    </>
  );
}
