// The template gallery on the new-task screen: picking one fills the form, which the person
// then edits and saves as any task. Built-in templates come first, then the person's own.
import { useState } from "react";
import { friendly } from "../api/client";
import { cronWords } from "../tasks/cronWords";
import { useDeleteTemplate, useTemplates, type Template } from "./api";

export function Gallery({ onPick }: { onPick: (t: Template) => void }) {
  const templates = useTemplates();
  const remove = useDeleteTemplate();
  const [category, setCategory] = useState("all");
  if (templates.isPending) return <p className="muted">Loading templates…</p>;
  if (templates.isError) return <p className="notice bad">Templates could not be loaded: {friendly(templates.error)}</p>;
  const all = templates.data.data;
  const categories = ["all", ...new Set(all.map((t) => t.category))];
  const shown = category === "all" ? all : all.filter((t) => t.category === category);
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Start from a template</h2>
      <label>
        Category{" "}
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <ul className="template-list">
        {shown.map((t) => (
          <li key={t.id} className="card">
            <h3>{t.name}</h3>
            <p className="muted">{t.description || t.search_query}</p>
            <p className="muted">
              {cronWords(t.schedule)} · {t.notify_behavior === "once" ? "notify once" : "notify every time"}
            </p>
            <div className="actions">
              <button type="button" className="button" onClick={() => onPick(t)} aria-label={`Use the template ${t.name}`}>
                Use
              </button>
              {!t.builtin && (
                <button type="button" className="button" disabled={remove.isPending} onClick={() => remove.mutate(t.id)} aria-label={`Delete the template ${t.name}`}>
                  Delete
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {remove.isError && <p className="notice bad">{friendly(remove.error)}</p>}
    </section>
  );
}
