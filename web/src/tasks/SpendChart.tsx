// What a task's runs cost per day, drawn as a small SVG bar chart (its own lazily loaded chunk)
// with a title and a description for screen readers and the same numbers as a table.
import { moneyExact } from "../format";
import type { Execution } from "./api";

export type DaySpend = { day: string; cost: number; runs: number };

/** spendByDay sums the runs' cost per calendar day in the task's zone, oldest day first. */
export function spendByDay(runs: Execution[], zone: string): DaySpend[] {
  const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: zone || "UTC", year: "numeric", month: "2-digit", day: "2-digit" });
  const days = new Map<string, DaySpend>();
  for (const r of runs) {
    const when = r.started_at ?? r.created_at;
    const day = dayOf.format(new Date(when));
    const d = days.get(day) ?? { day, cost: 0, runs: 0 };
    d.cost += r.usage.cost_usd;
    d.runs += 1;
    days.set(day, d);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const W = 600;
const H = 180;
const PAD = { top: 12, right: 8, bottom: 28, left: 8 };

export default function SpendChart({ runs, zone }: { runs: Execution[]; zone: string }) {
  const days = spendByDay(runs, zone);
  if (days.length === 0) return <p className="muted">No runs yet, so nothing spent.</p>;
  const total = days.reduce((s, d) => s + d.cost, 0);
  const max = Math.max(...days.map((d) => d.cost), 0.000001);
  const top = days.reduce((a, b) => (b.cost > a.cost ? b : a));
  const slot = (W - PAD.left - PAD.right) / days.length;
  const bar = Math.max(2, Math.min(40, slot * 0.7));
  const plotH = H - PAD.top - PAD.bottom;
  const labelEvery = Math.ceil(days.length / 8);
  return (
    <figure className="spend-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="spend-title spend-desc">
        <title id="spend-title">Cost per day</title>
        <desc id="spend-desc">
          {`${moneyExact(total)} over ${days.length} day${days.length === 1 ? "" : "s"} with runs, from ${days[0]!.day} to ${days[days.length - 1]!.day}; the most on ${top.day} (${moneyExact(top.cost)}).`}
        </desc>
        <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        {days.map((d, i) => {
          const h = (d.cost / max) * plotH;
          const x = PAD.left + i * slot + (slot - bar) / 2;
          return (
            <g key={d.day}>
              <rect className="bar" x={x} y={H - PAD.bottom - h} width={bar} height={Math.max(h, d.cost > 0 ? 1 : 0)} rx={2}>
                <title>{`${d.day}: ${moneyExact(d.cost)} (${d.runs} run${d.runs === 1 ? "" : "s"})`}</title>
              </rect>
              {i % labelEvery === 0 && (
                <text x={x + bar / 2} y={H - 10} textAnchor="middle">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        {moneyExact(total)} across the runs shown, by day in {zone}.
      </figcaption>
      <details>
        <summary>Spend as a table</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Runs</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <td>{d.day}</td>
                  <td>{d.runs}</td>
                  <td>{moneyExact(d.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
