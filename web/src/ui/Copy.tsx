import { useState } from "react";

/** CopyButton copies text and says so, for secrets shown once. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setDone(true));
      }}
    >
      {done ? "Copied" : label}
      <span className="visually-hidden" aria-live="polite">
        {done ? " to the clipboard" : ""}
      </span>
    </button>
  );
}
