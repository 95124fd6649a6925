// The task form, for a new task and for editing one. The API is the judge of what is valid:
// the form sends what was typed and shows the 422's field errors at their fields, with a
// summary at the top, so the page and the API never disagree about the rules.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ApiError, friendly, type Schemas } from "../api/client";
import type { TaskView } from "../api/views";
import { moneyExact } from "../format";
import { Field } from "../ui/Field";
import { useCreateTask, useEmails, usePreview, useUpdateTask, useWebhook, type TaskInput } from "./api";
import { ChannelChoices } from "./ChannelChoices";
import { Evidence } from "./ResultSummary";
import { browserZone, DEFAULT_CHOICE, fromCron, toCron, type ScheduleChoice } from "./schedule";
import { ScheduleFields } from "./ScheduleFields";

type Notification = Schemas["Notification"];

type Props =
  | { mode: "create"; initialQuery?: string; initial?: Initial; onSaved: (task: TaskView) => void }
  | { mode: "edit"; task: TaskView; onSaved: (task: TaskView) => void; onCancel: () => void };

/** Initial fills a new task's form, from a template the person picked. */
export type Initial = Pick<Schemas["Template"], "name" | "search_query" | "condition_description" | "schedule" | "timezone" | "notify_behavior">;

/** LABELS names each API field as the form does, for the error summary. */
const LABELS: Record<string, string> = {
  search_query: "What should Torale look for?",
  condition_description: "Notify me when",
  name: "Name",
  schedule: "Schedule",
  timezone: "Time zone",
  notify_behavior: "Notify",
  notifications: "Send to",
  urls: "Pages to read",
  context: "Background for the agent",
};

/** linesOf is the addresses typed one per line, blank lines dropped. */
function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** fieldOf maps an error's JSON path to the form field showing it: notifications[0].address → notifications. */
function fieldOf(path: string): string {
  return path.replace(/[[.].*$/, "");
}

export function TaskForm(props: Props) {
  const task = props.mode === "edit" ? props.task : undefined;
  const initial = props.mode === "create" ? props.initial : undefined;
  const [query, setQuery] = useState(task?.search_query ?? initial?.search_query ?? (props.mode === "create" ? props.initialQuery ?? "" : ""));
  // A condition the API filled in from the query shows as empty, so it keeps following the query
  // if the query is edited (a PATCH with "" means "the search query").
  const [condition, setCondition] = useState(
    task ? (task.condition_description !== task.search_query ? task.condition_description : "") : initial?.condition_description ?? "",
  );
  const [name, setName] = useState(task?.name ?? initial?.name ?? "");
  const [pages, setPages] = useState((task?.urls ?? []).join("\n"));
  const [background, setBackground] = useState(task?.context ?? "");
  // Change mode is chosen once, at creation: the watch then only compares its pages' text, with
  // no search and no model (it works on a server with no model key).
  const [watchOnly, setWatchOnly] = useState(false);
  const [choice, setChoice] = useState<ScheduleChoice>(task ? fromCron(task.schedule) : initial ? fromCron(initial.schedule) : DEFAULT_CHOICE);
  const [zone, setZone] = useState(task?.timezone ?? initial?.timezone ?? browserZone());
  const [notify, setNotify] = useState<"once" | "always">(task?.notify_behavior ?? initial?.notify_behavior ?? "once");
  const [channels, setChannels] = useState<Notification[] | undefined>(task?.notifications);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<{ err: unknown; what: string }>();
  const summaryRef = useRef<HTMLDivElement>(null);
  const fields = useRef(new Map<string, HTMLElement>());
  const inputRef = (key: string) => (el: HTMLElement | null) => {
    if (el) fields.current.set(key, el);
    else fields.current.delete(key);
  };

  const create = useCreateTask();
  const update = useUpdateTask(task?.id ?? "");
  const preview = usePreview();
  const saving = create.isPending || update.isPending;

  const body = (): TaskInput => {
    const out: TaskInput = {
      search_query: query,
      timezone: zone.trim(),
      notify_behavior: notify,
      notifications: channels ?? [],
      run_immediately: true,
    };
    if (condition.trim() || task) out.condition_description = condition;
    if (name.trim() || task) out.name = name;
    // An edit sends pages and background only when they changed, so a PATCH names what it changes.
    const urls = linesOf(pages);
    if (urls.length > 0 ? !task || urls.join("\n") !== task.urls.join("\n") : task && task.urls.length > 0) out.urls = urls;
    if (task ? background !== task.context : background.trim()) out.context = background;
    const cron = toCron(choice);
    if (cron || task) out.schedule = cron;
    if (!task && watchOnly) out.mode = "change";
    return out;
  };

  const fail = (what: string) => (err: unknown) => {
    setErrors(err instanceof ApiError ? err.fieldErrors : {});
    setFailure({ err, what });
  };
  useEffect(() => {
    if (failure) summaryRef.current?.focus();
  }, [failure]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    if (props.mode === "create") create.mutate(body(), { onSuccess: (t) => props.onSaved(t as TaskView), onError: fail("The task was not created.") });
    else update.mutate(patchOf(body()), { onSuccess: (t) => props.onSaved(t as TaskView), onError: fail("The changes were not saved.") });
  };
  const runPreview = () => {
    setFailure(undefined);
    setErrors({});
    preview.mutate(body(), { onError: fail("The preview could not run.") });
  };
  /** edited clears a field's error once the person changes it. */
  const edited = (key: string) =>
    Object.keys(errors).some((path) => fieldOf(path) === key) &&
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([path]) => fieldOf(path) !== key)));

  const errorAt = (key: string) =>
    Object.entries(errors)
      .filter(([path]) => fieldOf(path) === key)
      .map(([, m]) => m)
      .join(" ") || undefined;
  const invalid = [...new Set(Object.keys(errors).map(fieldOf))];

  return (
    <form className="task-form" onSubmit={submit} noValidate>
      {failure && (
        <div className="summary-alert" role="alert" tabIndex={-1} ref={summaryRef}>
          <p>
            <strong>{failure.what}</strong> {friendly(failure.err)}
          </p>
          {invalid.length > 0 && (
            <ul>
              {invalid.map((key) => (
                <li key={key}>
                  <button type="button" className="link-button" onClick={() => fields.current.get(key)?.focus()}>
                    {LABELS[key] ?? key}
                  </button>
                  {!LABELS[key] && `: ${errors[key]}`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Field label="What should Torale look for?" error={errorAt("search_query")} hint="What the agent searches the web for.">
        {(p) => (
          <textarea
            {...p}
            ref={inputRef("search_query")}
            value={query}
            placeholder="next iPhone release date"
            onChange={(e) => {
              setQuery(e.target.value);
              edited("search_query");
            }}
          />
        )}
      </Field>
      <Field label="Notify me when" error={errorAt("condition_description")} hint="Optional. What must be true for you to hear about it; it defaults to the query.">
        {(p) => (
          <input
            {...p}
            ref={inputRef("condition_description")}
            value={condition}
            placeholder="Apple has announced the release date"
            onChange={(e) => {
              setCondition(e.target.value);
              edited("condition_description");
            }}
          />
        )}
      </Field>
      <Field label="Pages to read" error={errorAt("urls")} hint="Optional. Up to 10 web addresses, one per line, read on every run beside the search.">
        {(p) => (
          <textarea
            {...p}
            ref={inputRef("urls")}
            value={pages}
            rows={2}
            placeholder="https://www.apple.com/newsroom/"
            onChange={(e) => {
              setPages(e.target.value);
              edited("urls");
            }}
          />
        )}
      </Field>
      {!task && (
        <label className="choice">
          <input
            type="checkbox"
            checked={watchOnly}
            onChange={(e) => {
              setWatchOnly(e.target.checked);
              // A page watch tells of every change unless told otherwise.
              if (e.target.checked) setNotify("always");
            }}
          />{" "}
          Only watch these pages for changes (no search and no model: you are told what changed)
        </label>
      )}
      <Field label="Background for the agent" error={errorAt("context")} hint="Optional. What the agent should know, such as “I already own the 15 Pro”.">
        {(p) => (
          <textarea
            {...p}
            ref={inputRef("context")}
            value={background}
            rows={2}
            onChange={(e) => {
              setBackground(e.target.value);
              edited("context");
            }}
          />
        )}
      </Field>
      <Field label="Name" error={errorAt("name")} hint="Optional. A short title is made from the query if you leave it empty.">
        {(p) => (
          <input
            {...p}
            ref={inputRef("name")}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              edited("name");
            }}
          />
        )}
      </Field>
      <ScheduleFields
        choice={choice}
        zone={zone}
        onChoice={(c) => {
          setChoice(c);
          edited("schedule");
        }}
        onZone={(z) => {
          setZone(z);
          edited("timezone");
        }}
        errors={{ schedule: errorAt("schedule"), timezone: errorAt("timezone") }}
        inputRef={inputRef}
      />
      <fieldset ref={inputRef("notify_behavior")} tabIndex={-1} aria-describedby={errorAt("notify_behavior") ? "notify-error" : undefined}>
        <legend>Notify</legend>
        <label className="choice">
          <input type="radio" name="notify" value="once" checked={notify === "once"} onChange={() => setNotify("once")} /> Once, then stop
        </label>
        <label className="choice">
          <input type="radio" name="notify" value="always" checked={notify === "always"} onChange={() => setNotify("always")} /> Every time it
          is met
        </label>
        {errorAt("notify_behavior") && (
          <p className="field-error" id="notify-error">
            {errorAt("notify_behavior")}
          </p>
        )}
      </fieldset>
      <Channels value={channels} onChange={(v) => { setChannels(v); edited("notifications"); }} error={errorAt("notifications")} fieldRef={inputRef("notifications")} />
      <div className="actions">
        <button type="button" className="button" onClick={runPreview} disabled={preview.isPending || watchOnly}>
          Preview
        </button>
        <button type="submit" className="button primary" disabled={saving}>
          {props.mode === "create" ? "Create task" : "Save changes"}
        </button>
        {props.mode === "edit" && (
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        {saving && (
          <span role="status" className="muted">
            Saving…
          </span>
        )}
      </div>
      <PreviewPanel state={preview} />
    </form>
  );
}

/** patchOf drops what only creation takes: TaskPatch refuses unknown fields. */
function patchOf({ run_immediately: _, ...rest }: TaskInput) {
  return rest;
}

function PreviewPanel({ state }: { state: ReturnType<typeof usePreview> }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!state.isPending) return;
    setSeconds(0);
    const t = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(t);
  }, [state.isPending]);
  if (state.isIdle) return null;
  return (
    <section className="preview card" aria-labelledby="preview-title" aria-busy={state.isPending} aria-live="polite">
      <h2 id="preview-title">Preview</h2>
      {state.isPending && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> The agent is searching the web and weighing what it finds. This can
          take up to two minutes{seconds > 0 ? ` (${seconds} s so far)` : ""}.
        </p>
      )}
      {state.isError && (
        <p className="muted">No preview: {state.error instanceof ApiError && state.error.status === 422 ? "fix the fields above first." : friendly(state.error)}</p>
      )}
      {state.data && (
        <>
          <p className="verdict">
            {state.data.result.notification
              ? "The condition is met: Torale would notify you with the message below."
              : "The condition is not met yet: Torale would stay silent and look again later."}
          </p>
          <Evidence result={state.data.result} />
          <p className="muted">
            Nothing was saved and nobody was notified. This preview cost {moneyExact(state.data.usage.cost_usd)}.
          </p>
        </>
      )}
    </section>
  );
}

/** Channels picks where alerts go: one verified email (the API allows one of each type) and the webhook. */
function Channels({
  value,
  onChange,
  error,
  fieldRef,
}: {
  value: Notification[] | undefined;
  onChange: (v: Notification[]) => void;
  error?: string;
  fieldRef: (el: HTMLElement | null) => void;
}) {
  const emails = useEmails();
  const webhook = useWebhook();
  const verified = (emails.data?.data ?? []).filter((e) => e.verified);
  // A new task goes to the sign-in address unless the person says otherwise.
  const chosen = value ?? verified.filter((e) => e.account).slice(0, 1).map((e): Notification => ({ type: "email", address: e.email }));
  useEffect(() => {
    if (value === undefined && emails.data) onChange(chosen);
    // Only once the addresses arrive, to set the default.
  }, [emails.data]);
  const addresses = [...new Set([...verified.map((e) => e.email), ...chosen.flatMap((n) => (n.type === "email" && n.address ? [n.address] : []))])];
  const hook = chosen.find((n) => n.type === "webhook");
  const hasWebhook = Boolean(webhook.data?.url) || Boolean(hook);
  const webhookOff = !hook?.url && webhook.data !== undefined && (!webhook.data.url || !webhook.data.enabled);
  const toggleEmail = (address: string, on: boolean) =>
    onChange([...chosen.filter((n) => n.type !== "email"), ...(on ? [{ type: "email" as const, address }] : [])]);
  const toggleWebhook = (on: boolean) =>
    onChange([...chosen.filter((n) => n.type !== "webhook"), ...(on ? [hook ?? { type: "webhook" as const }] : [])]);

  return (
    <fieldset ref={fieldRef} tabIndex={-1} aria-describedby={`channels-hint${error ? " channels-error" : ""}`}>
      <legend>Send to</legend>
      {emails.isPending || webhook.isPending ? (
        <p className="muted">Loading your addresses…</p>
      ) : (
        <>
          {addresses.map((a) => (
            <label className="choice" key={a}>
              <input type="checkbox" checked={chosen.some((n) => n.type === "email" && n.address === a)} onChange={(e) => toggleEmail(a, e.target.checked)} />{" "}
              {a}
            </label>
          ))}
          {hasWebhook && (
            <>
              <label className="choice">
                <input
                  type="checkbox"
                  checked={Boolean(hook)}
                  aria-describedby={webhookOff ? "webhook-off" : undefined}
                  onChange={(e) => toggleWebhook(e.target.checked)}
                />{" "}
                {hook?.url ? `Webhook ${hook.url}` : "My webhook"}
              </label>
              {webhookOff && (
                <p className="hint" id="webhook-off">
                  {webhook.data?.url ? "Your webhook is turned off in Settings, so nothing is posted until you turn it on." : "You have no default webhook set in Settings."}
                </p>
              )}
            </>
          )}
        </>
      )}
      <ChannelChoices chosen={chosen} onChange={onChange} />
      <p className="hint" id="channels-hint">
        {addresses.length === 0 && !hasWebhook ? "You have no verified email address or webhook yet, so this task can only be followed here. " : "One email address per task, plus your webhook. "}
        <Link to="/settings">Add addresses and your webhook in Settings</Link>.
      </p>
      {error && (
        <p className="field-error" id="channels-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
