// The schedule part of the task form: a preset, its time/day or cron expression, the zone,
// and what the choice means: in words, and the next five runs as the API computes them.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { previewSchedule } from "../api/views";
import { inZone } from "../format";
import { Field } from "../ui/Field";
import { cronWords } from "./cronWords";
import { PRESETS, toCron, WEEKDAYS, zoneNames, type Preset, type ScheduleChoice } from "./schedule";

/** useDebounced follows value after it has stayed unchanged for ms. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

type Props = {
  choice: ScheduleChoice;
  zone: string;
  onChoice: (c: ScheduleChoice) => void;
  onZone: (z: string) => void;
  /** errors are the submit's field errors for "schedule" and "timezone". */
  errors: { schedule?: string; timezone?: string };
  inputRef: (key: string) => (el: HTMLElement | null) => void;
};

const ZONES = zoneNames();

export function ScheduleFields({ choice, zone, onChoice, onZone, errors, inputRef }: Props) {
  const cron = toCron(choice);
  const settled = useDebounced({ cron, zone: zone.trim() }, 400);
  const preview = useQuery({
    queryKey: ["/api/v1/schedules/preview", settled.cron, settled.zone],
    queryFn: () => previewSchedule(settled.cron, settled.zone || "UTC"),
    enabled: settled.cron !== "",
    staleTime: 60_000,
    retry: false,
  });
  // The schedule preview's own 422 speaks at the field it names, unless the last submit did.
  const previewErrors = preview.error instanceof ApiError && preview.error.status === 422 ? preview.error.fieldErrors : {};
  const scheduleError = errors.schedule ?? previewErrors.schedule;
  const zoneError = errors.timezone ?? previewErrors.timezone;
  const custom = choice.preset === "custom";
  const set = (c: Partial<ScheduleChoice>) => onChoice({ ...choice, ...c });

  return (
    <>
      <div className="row">
        <Field label="Schedule" error={custom ? undefined : scheduleError} hint={choice.preset === "agent" ? agentHint : undefined}>
          {(p) => (
            <select {...p} ref={inputRef(custom ? "schedule-preset" : "schedule")} value={choice.preset} onChange={(e) => set({ preset: e.target.value as Preset })}>
              {PRESETS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {choice.preset === "weekly" && (
          <Field label="Day">
            {(p) => (
              <select {...p} value={choice.day} onChange={(e) => set({ day: Number(e.target.value) })}>
                {WEEKDAYS.map((d, i) => (
                  <option key={d} value={i}>
                    {d}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {(choice.preset === "daily" || choice.preset === "weekly") && (
          <Field label="Time">{(p) => <input {...p} type="time" required value={choice.time} onChange={(e) => set({ time: e.target.value })} />}</Field>
        )}
      </div>
      {custom && (
        <Field
          label="Cron expression"
          error={scheduleError}
          hint={
            <>
              Five fields: minute, hour, day of month, month, day of week. For example <code>0 9 * * 1-5</code> is 09:00 on
              weekdays.
            </>
          }
        >
          {(p) => (
            <input
              {...p}
              ref={inputRef("schedule")}
              value={choice.cron}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              placeholder="0 9 * * 1"
              onChange={(e) => set({ cron: e.target.value })}
            />
          )}
        </Field>
      )}
      <Field label="Time zone" error={zoneError} hint="The schedule's times are read in this zone.">
        {(p) => (
          <>
            <input {...p} ref={inputRef("timezone")} list="zone-names" value={zone} autoComplete="off" spellCheck={false} onChange={(e) => onZone(e.target.value)} />
            <datalist id="zone-names">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      {cron !== "" && (
        <div className="schedule-words" aria-live="polite">
          <p>
            <strong>{cronWords(cron)}</strong>
            {zone.trim() && <span className="muted"> ({zone.trim()})</span>}
          </p>
          {preview.data && preview.data.next_runs.length > 0 && settled.cron === cron && (
            <>
              <p className="muted">The next five runs:</p>
              <ol>
                {preview.data.next_runs.slice(0, 5).map((t) => (
                  <li key={t}>
                    <time dateTime={t}>{inZone(t, preview.data.timezone || zone)}</time>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </>
  );
}

const agentHint =
  "With no schedule the agent proposes when to look again (within 30 days), or Torale checks again after 24 hours.";
