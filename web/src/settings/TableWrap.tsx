// A table's scroll box for phone widths. It can take focus, so keyboard users can scroll it
// too, and it is a region named like its table, so that focus stop says what it is.
import type { ReactNode } from "react";

export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
