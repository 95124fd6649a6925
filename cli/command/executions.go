package command

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

// NewCmdExecutions returns `torale executions`.
func NewCmdExecutions(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "executions <subcommand>",
		Aliases: []string{"runs"},
		Short:   "See the runs of a task",
		Example: "  torale executions list TASK_ID\n  torale executions get RUN_ID",
	}
	var limit int
	var listJSON bool
	list := &cobra.Command{
		Use:     "list TASK_ID",
		Aliases: []string{"ls"},
		Short:   "List a task's runs, newest first",
		Example: "  torale executions list 3f2c... --limit 5",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0], "task")
			if err != nil {
				return err
			}
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			page, err := c.ListExecutions(cmd.Context(), id, client.PageOptions{Limit: limit})
			if err != nil {
				return err
			}
			if listJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			rows := make([][]string, len(page.Data))
			for i, e := range page.Data {
				summary := e.Error
				if e.Result != nil {
					summary = fmt.Sprintf("%d%% %s", e.Result.Confidence, e.Result.Evidence)
					if e.Result.Notifies() {
						summary = "notified: " + *e.Result.Notification
					}
				}
				if e.SilenceReason != nil && *e.SilenceReason != task.SilenceFailed {
					// Why it stayed silent leads, so a column cut short still says it.
					summary = "silent, " + e.SilenceReason.Words() + ": " + summary
				}
				rows[i] = []string{e.ID.String(), p.when(&e.CreatedAt), string(e.Trigger), p.paint(string(e.Status)), p.cell(summary, 60)}
			}
			return p.table([]string{"ID", "STARTED", "TRIGGER", "STATUS", "RESULT"}, rows)
		},
	}
	list.Flags().IntVarP(&limit, "limit", "L", 20, "how many runs to show (1-200)")
	addJSONFlag(list, &listJSON)
	var getJSON bool
	get := &cobra.Command{
		Use:     "get RUN_ID",
		Aliases: []string{"view", "show"},
		Short:   "Show one run: evidence, sources, confidence, its notification or why it stayed silent, and its steps",
		Example: "  torale executions get 9a1b...",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "run")
			if err != nil {
				return err
			}
			e, err := c.GetExecution(cmd.Context(), id)
			if err != nil {
				return err
			}
			if getJSON {
				return writeJSON(f.IO.Out, e)
			}
			if err := printExecution(f, e.Execution); err != nil {
				return err
			}
			return printSteps(f, e.Steps)
		},
	}
	addJSONFlag(get, &getJSON)
	cmd.AddCommand(list, get)
	return cmd
}

func printExecution(f *Factory, e contract.Execution) error {
	p := f.printer()
	pairs := [][2]string{{"run", e.ID.String()}, {"status", p.paint(string(e.Status))}, {"trigger", string(e.Trigger)},
		{"started", p.when(e.StartedAt)}, {"finished", p.when(e.FinishedAt)}}
	if e.Error != "" {
		pairs = append(pairs, [2]string{"error", e.Error})
	}
	if e.SilenceReason != nil {
		why := e.SilenceReason.Words()
		if why != string(*e.SilenceReason) {
			why += " (" + string(*e.SilenceReason) + ")"
		}
		pairs = append(pairs, [2]string{"silent because", why})
	}
	if err := p.fields(pairs); err != nil {
		return err
	}
	if e.Result != nil {
		return printResult(f, *e.Result)
	}
	return nil
}

func printResult(f *Factory, r contract.Result) error {
	p := f.printer()
	note := "nothing to tell you yet"
	if r.Notifies() {
		note = *r.Notification
	}
	pairs := [][2]string{{"confidence", fmt.Sprintf("%d%%", r.Confidence)}, {"evidence", p.cell(r.Evidence, 400)},
		{"notification", p.cell(note, 400)}}
	for i, s := range r.Sources {
		pairs = append(pairs, [2]string{fmt.Sprintf("source %d", i+1), strings.TrimSpace(s.Title + " " + s.URL)})
	}
	if r.NextRun != nil {
		pairs = append(pairs, [2]string{"agent's next look", p.when(r.NextRun)})
	}
	return p.fields(pairs)
}

// spinner shows progress on a terminal's stderr until the returned stop is called.
func (f *Factory) spinner(label string) func() {
	if !f.IO.ErrTTY {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		start := time.Now()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(f.IO.Err, "\r%s %s… %ds", frames[i%len(frames)], label, int(time.Since(start).Seconds()))
			select {
			case <-done:
				fmt.Fprint(f.IO.Err, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
