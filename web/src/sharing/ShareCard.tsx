// A task's sharing: "Make public" (with the context confirmation the API asks for), the public
// page's link, and "Save as template". The context itself is never shown publicly, but the
// results a public watch shows were written with it in view, so the owner confirms first.
import { useState } from "react";
import { Link } from "react-router";
import { friendly } from "../api/client";
import type { TaskView } from "../api/views";
import { Confirm } from "../ui/Confirm";
import { usePublish, useSaveTemplate } from "./api";

export function ShareCard({ task }: { task: TaskView }) {
  const publish = usePublish(task.id);
  const save = useSaveTemplate();
  const [confirming, setConfirming] = useState(false);
  const makePublic = () => (task.context ? setConfirming(true) : publish.mutate({ pub: true }));
  return (
    <section className="card" aria-labelledby="share-title">
      <h2 id="share-title">Sharing</h2>
      {task.public && task.public_slug ? (
        <p>
          Public: anyone can read this watch and its results at <Link to={`/p/${task.public_slug}`}>/p/{task.public_slug}</Link>, follow its
          feed and copy it. Your channels, background and costs stay private.
        </p>
      ) : (
        <p className="muted">Private: only you can see this watch.</p>
      )}
      <div className="actions">
        {task.public ? (
          <button type="button" className="button" disabled={publish.isPending} onClick={() => publish.mutate({ pub: false })}>
            Make private
          </button>
        ) : (
          <button type="button" className="button" disabled={publish.isPending} onClick={makePublic}>
            Make public
          </button>
        )}
        <button type="button" className="button" disabled={save.isPending} onClick={() => save.mutate(task.id)}>
          Save as template
        </button>
      </div>
      {save.isSuccess && (
        <p role="status">
          Saved as a template: it is in the gallery on the <Link to="/tasks/new">new task</Link> screen. Channels and background were not copied.
        </p>
      )}
      {(publish.error ?? save.error) && (
        <p className="notice bad" role="alert">
          {friendly(publish.error ?? save.error)}
        </p>
      )}
      {confirming && (
        <Confirm
          title="Make this watch public?"
          body="This watch has background for the agent. The background itself stays private, but the results anyone can read were written with it in view. Publish anyway?"
          confirmLabel="Make public"
          onCancel={() => setConfirming(false)}
          onConfirm={() => publish.mutate({ pub: true, contextOK: true }, { onSettled: () => setConfirming(false) })}
        />
      )}
    </section>
  );
}
