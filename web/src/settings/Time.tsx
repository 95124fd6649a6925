// An instant as people read it in lists: "3 hr. ago", with the full date and time (in the
// browser's zone, since account-wide lists span tasks in many zones) on hover and for machines.
import { inZone, relative } from "../format";

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** fullTime is an instant in the browser's zone with the zone's name. */
export function fullTime(iso: string | null | undefined): string {
  return inZone(iso, browserZone, { seconds: true });
}

export function Time({ iso, empty = "never" }: { iso: string | null | undefined; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {relative(iso)}
    </time>
  );
}
