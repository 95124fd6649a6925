// Tabs as WAI-ARIA describes them: one tab stop for the list, arrow keys (and Home/End) move
// between tabs and select them, and each panel is labelled by its tab.
import { useRef, type KeyboardEvent } from "react";

export type Tab = { id: string; label: string };

export function tabId(id: string) {
  return `tab-${id}`;
}
export function panelId(id: string) {
  return `panel-${id}`;
}

export function Tabs({ tabs, current, onSelect, label }: { tabs: Tab[]; current: string; onSelect: (id: string) => void; label: string }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const move = (e: KeyboardEvent, index: number) => {
    let next = index;
    if (e.key === "ArrowRight") next = (index + 1) % tabs.length;
    else if (e.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = tabs.length - 1;
    else return;
    e.preventDefault();
    const t = tabs[next]!;
    onSelect(t.id);
    refs.current[t.id]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {tabs.map((t, i) => {
        const selected = t.id === current;
        return (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={tabId(t.id)}
            aria-selected={selected}
            aria-controls={selected ? panelId(t.id) : undefined}
            tabIndex={selected ? 0 : -1}
            className={selected ? "tab selected" : "tab"}
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => move(e, i)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}
