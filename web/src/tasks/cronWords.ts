// cronWords puts a 5-field cron expression into plain words ("At 09:00 on Monday", "Every 15
// minutes"), following the API's dialect (shared/task/cron.go): names for months and weekdays,
// 7 as a second Sunday, @descriptors, and Vixie's rule that a day matches when EITHER the day of
// month or the day of week does, when both are restricted. What it cannot say honestly it
// does not guess: it falls back to a sentence that quotes the expression.

type Spec = { min: number; max: number; names?: string[] };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const SPECS: Spec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 7, names: DAYS },
];

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** A parsed field: the values it allows (sorted), whether it is the whole range, and its text. */
type Field = { values: number[]; all: boolean; star: boolean; raw: string };

class Unreadable extends Error {}

function value(text: string, spec: Spec): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) throw new Unreadable();
    return n;
  }
  const i = spec.names?.findIndex((name) => name.slice(0, 3).toLowerCase() === text.toLowerCase()) ?? -1;
  if (i < 0 || text.length !== 3) throw new Unreadable();
  return i + spec.min;
}

function parseField(raw: string, spec: Spec, starMax: number): Field {
  const set = new Set<number>();
  for (const item of raw.split(",")) {
    const [range, stepText, extra] = item.split("/");
    if (range === undefined || range === "" || extra !== undefined) throw new Unreadable();
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new Unreadable();
      step = Number(stepText);
    }
    let lo = spec.min;
    let hi = starMax;
    if (range !== "*") {
      const [a, b, more] = range.split("-");
      if (a === undefined || more !== undefined) throw new Unreadable();
      lo = value(a, spec);
      // "a/step" runs from a to the field's end, as the API reads it.
      hi = b !== undefined ? value(b, spec) : stepText !== undefined ? starMax : lo;
      if (hi < lo) throw new Unreadable();
    }
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  const values = [...set].sort((x, y) => x - y);
  return { values, all: values.length === starMax - spec.min + 1, star: raw.startsWith("*"), raw };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** list joins words as people do: "a", "a and b", "a, b and c". */
export function list(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th"}`;
}

/** step returns the common difference of values when they form a progression of 2 or more. */
function step(values: number[]): number | undefined {
  if (values.length < 2) return undefined;
  const d = values[1]! - values[0]!;
  for (let i = 2; i < values.length; i++) if (values[i]! - values[i - 1]! !== d) return undefined;
  return d;
}

/** runs groups consecutive values, so 1,2,3,4,5 reads "1 through 5" rather than five items. */
function runs(values: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else out.push([v, v]);
  }
  return out;
}

function named(values: number[], name: (v: number) => string): string {
  const parts = runs(values).map(([a, b]) => (b - a >= 2 ? `${name(a)} through ${name(b)}` : b > a ? `${name(a)} and ${name(b)}` : name(a)));
  return list(parts);
}

function timePhrase(minute: Field, hour: Field): string {
  const m = minute.values;
  const h = hour.values;
  const mStep = step(m);
  const everyNMinutes = mStep !== undefined && m[0]! < mStep && m[m.length - 1]! + mStep > 59;
  const minuteMarks = list(m.map((v) => `:${pad(v)}`));
  const span = (a: number, b: number) => `between ${pad(a)}:00 and ${pad(b)}:59`;
  const hourRun = runs(h).length === 1 ? runs(h)[0]! : undefined;

  // Within the hours given, how often: every minute, every n minutes, or at set minutes.
  const within = minute.all ? "Every minute" : everyNMinutes ? `Every ${mStep} minutes` : undefined;
  if (within) {
    if (hour.all) return within + (m[0] && !minute.all ? ` from :${pad(m[0])}` : "");
    if (hourRun) return `${within} ${span(hourRun[0], hourRun[1])}`;
    return `${within} during the ${list(h.map((v) => `${pad(v)}:00`))} hours`;
  }
  if (hour.all) {
    if (m.length === 1) return m[0] === 0 ? "Every hour, on the hour" : `Every hour at ${minuteMarks}`;
    return `Every hour at ${minuteMarks}`;
  }
  const hStep = step(h);
  if (hStep !== undefined && h[0]! < hStep && h[h.length - 1]! + hStep > 23 && m.length === 1) {
    const at = m[0] === 0 ? ", on the hour" : ` at :${pad(m[0]!)}`;
    return `Every ${hStep} hours${at}${h[0] ? ` from ${pad(h[0])}:${pad(m[0]!)}` : ""}`;
  }
  if (h.length * m.length <= 6) {
    const times: string[] = [];
    for (const hh of h) for (const mm of m) times.push(`${pad(hh)}:${pad(mm)}`);
    return `At ${list(times)}`;
  }
  if (hourRun && m.length === 1) return `Every hour from ${pad(hourRun[0])}:${pad(m[0]!)} to ${pad(hourRun[1])}:${pad(m[0]!)}`;
  if (hourRun) return `Every hour at ${minuteMarks}, ${span(hourRun[0], hourRun[1])}`;
  return `At ${minuteMarks} past the ${list(h.map((v) => `${pad(v)}:00`))} hours`;
}

function weekdays(dow: Field): string {
  const d = dow.values;
  if (d.join() === "1,2,3,4,5") return "weekdays";
  if (d.join() === "0,6") return "weekends";
  return named(d, (v) => DAYS[v]!);
}

function monthDays(dom: Field): string {
  const s = step(dom.values);
  if (dom.star && s !== undefined && s > 1) return `every ${ordinal(s)} day`;
  return `the ${named(dom.values, ordinal)}`;
}

function months(month: Field): string {
  return named(month.values, (v) => MONTHS[v - 1]!);
}

/** dayPhrase says on which days; "" means every day. */
function dayPhrase(dom: Field, month: Field, dow: Field): string | undefined {
  const domSet = !dom.all || !dom.star;
  const dowSet = !dow.all || !dow.star;
  const of = month.all ? "of the month" : `of ${months(month)}`;
  const inMonths = month.all ? "" : ` in ${months(month)}`;
  if (domSet && dowSet) {
    // Cron's rule: with both restricted a day matches either; with one written "*/n" it must
    // match both, which reads too awkwardly to say without risking saying it wrong.
    if (dom.star || dow.star) return undefined;
    return `on ${monthDays(dom)} ${of} or on ${weekdays(dow)}${inMonths}`;
  }
  if (domSet) return `on ${monthDays(dom)} ${of}`;
  if (dowSet) return `on ${weekdays(dow)}${inMonths}`;
  return month.all ? "" : `every day in ${months(month)}`;
}

/** cronWords describes a schedule in a sentence; see the file comment for what it covers. */
export function cronWords(expr: string): string {
  const trimmed = expr.trim();
  if (trimmed === "") return "No schedule: the agent decides when to look again.";
  const fallback = `Runs on the cron schedule “${trimmed}”, which is too intricate to put into words here.`;
  const fields = (DESCRIPTORS[trimmed.toLowerCase()] ?? trimmed).split(/\s+/);
  if (fields.length !== 5) return `“${trimmed}” is not a 5-field cron expression (minute hour day-of-month month day-of-week).`;
  let parsed: Field[];
  try {
    parsed = fields.map((f, i) => {
      const spec = SPECS[i]!;
      const field = parseField(f, spec, i === 4 ? 6 : spec.max);
      if (i === 4) {
        // 7 is Sunday too; fold it so "6-7" reads as the weekend.
        const folded = [...new Set(field.values.map((v) => v % 7))].sort((x, y) => x - y);
        return { ...field, values: folded, all: folded.length === 7 };
      }
      return field;
    });
  } catch (e) {
    if (e instanceof Unreadable) return `“${trimmed}” is not a cron expression Torale can read; check each field.`;
    throw e;
  }
  const [minute, hour, dom, month, dow] = parsed as [Field, Field, Field, Field, Field];
  const days = dayPhrase(dom, month, dow);
  if (days === undefined) return fallback;
  const time = timePhrase(minute, hour);
  if (days === "") return time.startsWith("At ") ? `${time} every day` : time;
  return `${time} ${days}`;
}
