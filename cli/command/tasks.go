package command

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// NewCmdTasks returns `torale tasks`.
func NewCmdTasks(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tasks <subcommand>",
		Aliases: []string{"task"},
		Short:   "Create, list, change and run your watches",
		Example: `  torale tasks create --query "next iPhone release date" --schedule "0 9 * * *"
  torale tasks list
  torale tasks run TASK_ID`,
	}
	cmd.AddCommand(newCmdTasksCreate(f), newCmdTasksList(f), newCmdTasksGet(f), newCmdTasksUpdate(f),
		newCmdTasksDelete(f), newCmdTasksState(f, "pause", task.StatePaused), newCmdTasksState(f, "resume", task.StateActive),
		newCmdTasksState(f, "complete", task.StateCompleted), newCmdTasksRun(f), newCmdTasksPreview(f))
	return cmd
}

// definition holds the flags that define a task, shared by create, update and preview.
type definition struct {
	query, condition, name, schedule, timezone, notify, depth, email, webhook string
	context, mode, budget                                                     string
	urls, channels                                                            []string
	// template is create's --template: a template's definition under the other flags.
	template string
}

func (d *definition) bind(fs *pflag.FlagSet) {
	fs.StringVarP(&d.query, "query", "q", "", "what to search for, in plain language")
	fs.StringVarP(&d.condition, "condition", "c", "", "what must be true to notify you (default: the query)")
	fs.StringVar(&d.name, "name", "", "a name for the task (default: derived from the query)")
	fs.StringVarP(&d.schedule, "schedule", "s", "", `when to check, as 5-field cron ("0 9 * * *" = daily at 9:00)`)
	fs.StringVar(&d.timezone, "timezone", "", "IANA time zone of the schedule (default UTC)")
	fs.StringVar(&d.notify, "notify", "", `"once" (then complete the task) or "always"`)
	fs.StringVar(&d.depth, "depth", "", `"routine" (one search, the default) or "deep" (several searches that refine each other, up to 15 minutes)`)
	fs.StringVar(&d.email, "email", "", "email address to notify (must be verified)")
	fs.StringVar(&d.webhook, "webhook", "", `webhook URL to notify; "default" for your account's webhook`)
	fs.Lookup("webhook").NoOptDefVal = "default"
	fs.StringArrayVar(&d.channels, "channel", nil, `a saved channel's id to notify (repeat); "default" for every channel added with --default`)
	fs.StringArrayVar(&d.urls, "url", nil, fmt.Sprintf("a page to read on every run, beside the search (repeat for up to %d)", task.MaxURLs))
	fs.StringVar(&d.context, "context", "", `background the agent should know ("I already own the 15 Pro")`)
	fs.StringVar(&d.budget, "budget", "", "the most the task's runs may cost in a calendar month, in US dollars (0 removes it); your monthly cap applies too (torale spend)")
	fs.StringVar(&d.mode, "mode", "", `"agent" (search, and a model decides) or "change" (notify when a --url page's text changes, with a diff; needs no API key). Default: "change" for a task with --url on a server with no model configured, else "agent"; fixed at creation`)
}

func (d *definition) notifications() []contract.Notification {
	var out []contract.Notification
	if d.email != "" {
		out = append(out, contract.Notification{Type: task.ChannelEmail, Address: d.email})
	}
	if d.webhook != "" {
		url := d.webhook
		if url == "default" {
			url = ""
		}
		out = append(out, contract.Notification{Type: task.ChannelWebhook, URL: url})
	}
	for _, id := range d.channels {
		if id == "default" {
			id = ""
		}
		out = append(out, contract.Notification{Type: task.ChannelChat, ChannelID: id})
	}
	return out
}

func (d *definition) input() (contract.TaskInput, error) {
	if d.mode != "" && d.mode != string(task.ModeAgent) && d.mode != string(task.ModeChange) {
		return contract.TaskInput{}, usagef(`--mode must be "agent" or "change"`)
	}
	if d.mode == string(task.ModeChange) && len(d.urls) == 0 {
		return contract.TaskInput{}, usagef("--mode change needs at least one --url: the page to watch")
	}
	// Without a query, the server decides: a change-mode watch of the pages, or a field error.
	if strings.TrimSpace(d.query) == "" && len(d.urls) == 0 && d.template == "" {
		return contract.TaskInput{}, usagef("--query is required: say what to watch for (or give --url pages to watch for changes, or --template)")
	}
	if d.notify != "" && d.notify != "once" && d.notify != "always" {
		return contract.TaskInput{}, usagef(`--notify must be "once" or "always"`)
	}
	if err := d.checkURLs(); err != nil {
		return contract.TaskInput{}, err
	}
	if d.depth != "" && !validDepth(d.depth) {
		return contract.TaskInput{}, usagef(`--depth must be "routine" or "deep"`)
	}
	budget, err := d.budgetUSD()
	if err != nil {
		return contract.TaskInput{}, err
	}
	return contract.TaskInput{Name: d.name, SearchQuery: d.query, ConditionDescription: d.condition,
		Schedule: d.schedule, Timezone: d.timezone, NotifyBehavior: task.NotifyBehavior(d.notify),
		Depth: task.Depth(d.depth), Notifications: d.notifications(), URLs: d.urls, Context: d.context,
		Mode: task.Mode(d.mode), TemplateID: strings.TrimSpace(d.template), MonthlyBudgetUSD: budget}, nil
}

// budgetUSD is --budget as dollars, nil when it was not given.
func (d *definition) budgetUSD() (*float64, error) {
	if d.budget == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(strings.TrimPrefix(d.budget, "$"), 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, usagef("--budget must be an amount of US dollars, such as 2.50 (0 removes the budget)")
	}
	return &v, nil
}

// checkURLs refuses more pages than a task may list before anything is sent; the API checks
// each address.
func (d *definition) checkURLs() error {
	if len(d.urls) > task.MaxURLs {
		return usagef("--url may be given at most %d times, not %d", task.MaxURLs, len(d.urls))
	}
	return nil
}

func validDepth(s string) bool {
	return s == string(task.DepthRoutine) || s == string(task.DepthDeep)
}

func newCmdTasksCreate(f *Factory) *cobra.Command {
	var d definition
	var asJSON, run bool
	cmd := &cobra.Command{
		Use:   "create --query TEXT [flags]",
		Short: "Create a task; it runs within a minute",
		Example: `  torale tasks create --query "When will Apple announce the next iPhone release date?"
  torale tasks create -q "SpaceX Starship launch date" -s "0 */6 * * *" --notify always --email me@example.com
  torale tasks create -q "Mortgage rates under 5%" --webhook https://example.com/hook --run
  torale tasks create --mode change --url https://example.com/pricing --condition "price" --schedule "0 * * * *"
  torale tasks create --template gpu-price-drop --schedule "0 7 * * *" --email me@example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := d.input()
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			t, err := c.CreateTask(cmd.Context(), in)
			if err != nil {
				return err
			}
			if run {
				if !asJSON {
					fmt.Fprintf(f.IO.Err, "Created task %s (%s).\n", t.Name, t.ID)
				}
				return runAndWait(cmd, f, c, t.ID, false, false, asJSON)
			}
			if asJSON {
				return writeJSON(f.IO.Out, t)
			}
			return printTask(f, t)
		},
	}
	d.bind(cmd.Flags())
	cmd.Flags().StringVar(&d.template, "template", "", "start from a template (torale templates list); the other flags override its fields")
	cmd.Flags().BoolVar(&run, "run", false, "run the task now and wait for the result")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdTasksList(f *Factory) *cobra.Command {
	var state, cursor string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your tasks, newest first",
		Example: `  torale tasks list
  torale tasks list --state paused --json
  torale tasks list | cut -f1   # ids, one per line`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" && !task.State(state).Valid() {
				return usagef(`--state must be "active", "paused" or "completed"`)
			}
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			page, err := c.ListTasks(cmd.Context(), task.State(state), client.PageOptions{Limit: limit, Cursor: cursor})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			return printTaskList(f, page)
		},
	}
	cmd.Flags().StringVar(&state, "state", "", `only tasks in this state: "active", "paused" or "completed"`)
	cmd.Flags().IntVarP(&limit, "limit", "L", 50, "how many tasks to show (1-200)")
	cmd.Flags().StringVar(&cursor, "cursor", "", "continue a previous listing (from next_cursor)")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func printTaskList(f *Factory, page contract.Page[contract.TaskView]) error {
	p := f.printer()
	if len(page.Data) == 0 && p.tty {
		fmt.Fprintln(f.IO.Err, "No tasks yet. Create one with: torale tasks create --query \"...\"")
		return nil
	}
	rows := make([][]string, len(page.Data))
	for i, t := range page.Data {
		last := "-"
		if e := t.LastExecution; e != nil {
			last = string(e.Status)
			if e.Result.Notifies() {
				last = "notified"
			}
		}
		schedule := t.Schedule
		if schedule == "" {
			schedule = "agent"
		}
		rows[i] = []string{t.ID.String(), p.cell(t.Name, 40), p.paint(string(t.State)), schedule, p.when(t.NextRunAt), last}
	}
	if err := p.table([]string{"ID", "NAME", "STATE", "SCHEDULE", "NEXT RUN", "LAST RUN"}, rows); err != nil {
		return err
	}
	if page.NextCursor != nil && p.tty {
		fmt.Fprintf(f.IO.Err, "More tasks: torale tasks list --cursor %s\n", *page.NextCursor)
	}
	return nil
}

func printTask(f *Factory, t contract.TaskView) error {
	p := f.printer()
	schedule := t.Schedule
	if schedule == "" {
		schedule = "none (the agent picks, at least daily)"
	}
	pairs := [][2]string{{"id", t.ID.String()}, {"name", t.Name}, {"state", p.paint(string(t.State))},
		{"query", p.cell(t.SearchQuery, 200)}, {"condition", p.cell(t.ConditionDescription, 200)},
		{"schedule", schedule + " (" + t.Timezone + ")"}, {"notify", string(t.NotifyBehavior)},
		{"mode", string(t.Mode)}, {"depth", string(t.Depth)},
		{"next run", p.when(t.NextRunAt)}, {"why then", t.NextRunReason.Summary}, {"last run", p.when(t.LastRunAt)},
		{"spent this month", fmt.Sprintf("$%.4f", t.MonthSpendUSD)}}
	if t.MonthlyBudgetUSD != nil {
		pairs = append(pairs, [2]string{"monthly budget", usd(*t.MonthlyBudgetUSD)})
	}
	for _, a := range t.OpenAlerts {
		pairs = append(pairs, [2]string{"alert", p.cell(string(a.Cause)+": "+a.Message, 200)})
	}
	if t.SilenceSummary.Sentence != "" {
		pairs = append(pairs, [2]string{"recent silence", fmt.Sprintf("%s (of the last %d runs)", t.SilenceSummary.Sentence, t.SilenceSummary.Runs)})
	}
	for _, u := range t.URLs {
		pairs = append(pairs, [2]string{"reads", p.cell(u, 200)})
	}
	if t.Context != "" {
		pairs = append(pairs, [2]string{"context", p.cell(t.Context, 200)})
	}
	if t.Public && t.PublicSlug != nil {
		pairs = append(pairs, [2]string{"public", "yes, at /p/" + *t.PublicSlug})
	}
	for _, n := range t.Notifications {
		target := n.Address + n.URL
		if n.Type == task.ChannelWebhook && n.URL == "" {
			target = "your default webhook"
		}
		pairs = append(pairs, [2]string{string(n.Type), target})
	}
	if err := p.fields(pairs); err != nil {
		return err
	}
	if e := t.LastExecution; e != nil && p.tty {
		fmt.Fprintln(f.IO.Out)
		return printExecution(f, *e)
	}
	return nil
}

func newCmdTasksGet(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "get TASK_ID",
		Aliases: []string{"view", "show"},
		Short:   "Show a task and its latest result",
		Example: "  torale tasks get 3f2c...\n  torale tasks get 3f2c... --json | jq .last_execution.result",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "task")
			if err != nil {
				return err
			}
			t, err := c.GetTask(cmd.Context(), id)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, t)
			}
			return printTask(f, t)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// clientForID parses the id argument and returns the API client to use it with.
func (f *Factory) clientForID(arg, what string) (*client.Client, uuid.UUID, error) {
	id, err := parseID(arg, what)
	if err != nil {
		return nil, uuid.Nil, err
	}
	c, err := f.Client()
	return c, id, err
}

func parseID(s, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return uuid.Nil, usagef("%q is not a %s id (a UUID such as 3f2c1e9a-...)", s, what)
	}
	return id, nil
}
