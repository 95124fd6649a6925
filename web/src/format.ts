// How numbers and times read everywhere in the dashboard. Times are shown in the task's own
// zone (the one its schedule runs in), not the browser's, so "daily at 09:00" reads 09:00.

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const tiny = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumSignificantDigits: 2 });

/** money shows dollars to the cent, and sub-cent spend as "<$0.01" rather than "$0.00". */
export function money(v: number | null | undefined): string {
  if (v == null) return "–";
  if (v === 0) return "$0.00";
  if (Math.abs(v) < 0.01) return `<${usd.format(0.01)}`;
  return usd.format(v);
}

/** moneyExact keeps small amounts visible, for one run's cost. */
export function moneyExact(v: number): string {
  return v !== 0 && Math.abs(v) < 0.01 ? tiny.format(v) : usd.format(v);
}

/** inZone renders an instant as a wall-clock time in zone, with the zone's abbreviation. */
export function inZone(iso: string | null | undefined, zone: string, opts: { seconds?: boolean } = {}): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone || "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: opts.seconds ? "2-digit" : undefined,
    timeZoneName: "short",
  }).format(d);
}

/** relative says how far an instant is from now in words ("in 5 min", "3 h ago"). */
export function relative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "never";
  const ms = new Date(iso).getTime() - now.getTime();
  const abs = Math.abs(ms);
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1_000, "second"],
  ];
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });
  for (const [size, unit] of units) {
    if (abs >= size || unit === "second") return rtf.format(Math.round(ms / size), unit);
  }
  return "now";
}

/** duration renders milliseconds as "850 ms", "4.2 s" or "3 min 5 s". */
export function duration(ms: number | null | undefined): string {
  if (ms == null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** percent renders a 0..1 confidence as "82%". */
export function percent(v: number | null | undefined): string {
  return v == null ? "–" : `${Math.round(v * 100)}%`;
}
