// Explore: the public watches, newest published first, with search. Readable without signing in.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { cronWords } from "../tasks/cronWords";
import { ErrorState, Loading } from "../ui/State";
import { usePublicList } from "./api";

export default function Explore() {
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  const list = usePublicList(q);
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  const all = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section>
      <h1>Explore public watches</h1>
      <form role="search" onSubmit={search} className="actions">
        <label>
          Search{" "}
          <input type="search" value={typed} maxLength={200} onChange={(e) => setTyped(e.target.value)} placeholder="iPhone, rates, launch…" />
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {list.isPending ? (
        <Loading label="Loading public watches…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : all.length === 0 ? (
        <p className="muted">{q ? "No public watch matches." : "No public watches yet."}</p>
      ) : (
        <ul className="task-list" aria-label="Public watches">
          {all.map((w) => (
            <li key={w.slug} className="card">
              <h2>
                <Link to={`/p/${w.slug}`}>{w.name}</Link>
              </h2>
              <p className="muted">
                {w.search_query} · {cronWords(w.schedule)} · {w.state}
              </p>
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button type="button" className="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Show more
        </button>
      )}
    </section>
  );
}
