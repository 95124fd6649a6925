// A public watch's page, /p/{slug}: drawn before any sign-in gate, so a visitor who is not
// signed in reads it whatever the deployment's sign-in. Copying it needs an account: the link
// goes into the app, which signs the visitor in first.
import { Link, useParams } from "react-router";
import { ApiError } from "../api/client";
import { inZone, relative } from "../format";
import { cronWords } from "../tasks/cronWords";
import { Evidence } from "../tasks/ResultSummary";
import { ErrorState, Loading } from "../ui/State";
import { usePublicTask } from "./api";
import "../tasks/tasks.css";

export default function PublicTaskPage() {
  const { slug = "" } = useParams();
  const view = usePublicTask(slug);
  if (view.isPending) return <Loading label="Loading the watch…" />;
  if (view.isError) {
    if (view.error instanceof ApiError && view.error.status === 404) {
      return (
        <section className="state empty">
          <h1>No public watch here</h1>
          <p>Its owner may have made it private, or the link may be mistyped.</p>
          <p>
            <Link to="/explore">Explore public watches</Link>
          </p>
        </section>
      );
    }
    return <ErrorState error={view.error} retry={() => void view.refetch()} />;
  }
  const w = view.data;
  return (
    <section className="task-detail">
      <div className="screen-head">
        <h1>{w.name}</h1>
        <span className="badge">public watch · {w.state}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Looking for</dt>
          <dd>{w.search_query}</dd>
        </div>
        <div>
          <dt>Notify when</dt>
          <dd>{w.condition_description}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            {cronWords(w.schedule)}
            {w.schedule && <span className="muted"> ({w.timezone})</span>}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <a className="button primary" href={`/fork/${encodeURIComponent(w.slug)}`}>
          Copy to my watches
        </a>
        <a className="button" href={w.atom_url}>
          Atom feed
        </a>
        <a className="button" href={w.json_url}>
          JSON feed
        </a>
      </div>
      <h2>Results</h2>
      {w.results.length === 0 ? (
        <p className="muted">No results yet.</p>
      ) : (
        <ol className="timeline" aria-label="Results, newest first">
          {w.results.map((r) => (
            <li key={r.created_at} className="card">
              <p className="muted">
                <time dateTime={r.finished_at ?? r.created_at} title={inZone(r.finished_at ?? r.created_at, w.timezone)}>
                  {relative(r.finished_at ?? r.created_at)}
                </time>
                {" · "}
                {r.notification ? "notified" : "nothing to tell"}
              </p>
              <Evidence result={{ ...r, confidence: 0, next_run: null, topic: "" }} showConfidence={false} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
