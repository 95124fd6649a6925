package command

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/task"
)

func newCmdTasksUpdate(f *Factory) *cobra.Command {
	var d definition
	var state string
	var asJSON, public, contextOK bool
	cmd := &cobra.Command{
		Use:   "update TASK_ID [flags]",
		Short: "Change a task; only the flags you give change",
		Example: `  torale tasks update 3f2c... --schedule "0 8 * * 1-5" --timezone Europe/London
  torale tasks update 3f2c... --notify always --state active
  torale tasks update 3f2c... --public --public-context-ok   # publish a watch that has --context`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0], "task")
			if err != nil {
				return err
			}
			p := contract.TaskPatch{}
			fl := cmd.Flags()
			for name, dst := range map[string]**string{"query": &p.SearchQuery, "condition": &p.ConditionDescription,
				"name": &p.Name, "schedule": &p.Schedule, "timezone": &p.Timezone} {
				if fl.Changed(name) {
					v, _ := fl.GetString(name)
					*dst = &v
				}
			}
			if fl.Changed("notify") {
				if d.notify != "once" && d.notify != "always" {
					return usagef(`--notify must be "once" or "always"`)
				}
				nb := task.NotifyBehavior(d.notify)
				p.NotifyBehavior = &nb
			}
			if fl.Changed("url") {
				if err := d.checkURLs(); err != nil {
					return err
				}
				urls := []string{}
				for _, u := range d.urls {
					if u != "" {
						urls = append(urls, u)
					}
				}
				p.URLs = &urls
			}
			if fl.Changed("context") {
				p.Context = &d.context
			}
			if fl.Changed("budget") {
				if p.MonthlyBudgetUSD, err = d.budgetUSD(); err != nil {
					return err
				}
			}
			if fl.Changed("mode") {
				return usagef("--mode cannot be changed: a task's mode is fixed when it is created")
			}
			if fl.Changed("depth") {
				if !validDepth(d.depth) {
					return usagef(`--depth must be "routine" or "deep"`)
				}
				dp := task.Depth(d.depth)
				p.Depth = &dp
			}
			if fl.Changed("email") || fl.Changed("webhook") || fl.Changed("channel") {
				n := d.notifications()
				p.Notifications = &n
			}
			if state != "" {
				s := task.State(state)
				if !s.Valid() {
					return usagef(`--state must be "active", "paused" or "completed"`)
				}
				p.State = &s
			}
			if fl.Changed("public") {
				p.Public = &public
			}
			if contextOK {
				p.PublicContextOK = &contextOK
			}
			if p == (contract.TaskPatch{}) {
				return usagef("nothing to change: give at least one flag, such as --schedule")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			t, err := c.UpdateTask(cmd.Context(), id, p)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, t)
			}
			return printTask(f, t)
		},
	}
	d.bind(cmd.Flags())
	cmd.Flags().Lookup("email").Usage = "email address to notify; with --webhook, the channels replace the old ones"
	cmd.Flags().Lookup("url").Usage = `a page to read on every run (repeat; the pages given replace the old ones, --url "" reads none)`
	cmd.Flags().StringVar(&state, "state", "", `"active", "paused" or "completed"`)
	cmd.Flags().BoolVar(&public, "public", false, "publish the watch (read-only page, feed and fork for anyone); --public=false hides it at once")
	cmd.Flags().BoolVar(&contextOK, "public-context-ok", false, "confirm that the watch's --context may shape its public results (needed to publish a watch with a context)")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdTasksDelete(f *Factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:     "delete TASK_ID",
		Aliases: []string{"rm"},
		Short:   "Delete a task and its history",
		Example: "  torale tasks delete 3f2c...\n  torale tasks delete 3f2c... --yes   # in scripts",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "task")
			if err != nil {
				return err
			}
			if !yes {
				if !f.IO.InTTY || !f.IO.ErrTTY {
					return usagef("not deleting without confirmation: pass --yes")
				}
				t, err := c.GetTask(cmd.Context(), id)
				if err != nil {
					return err
				}
				fmt.Fprintf(f.IO.Err, "Delete %q and all its runs? This cannot be undone. [y/N] ", t.Name)
				answer, _ := bufio.NewReader(f.IO.In).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					fmt.Fprintln(f.IO.Err, "Nothing deleted.")
					return nil
				}
			}
			if err := c.DeleteTask(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Err, "Deleted task %s.\n", id)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}

func newCmdTasksState(f *Factory, verb string, to task.State) *cobra.Command {
	var asJSON bool
	short := map[string]string{"pause": "Pause an active task", "resume": "Make a paused or completed task active again; it runs within a minute",
		"complete": "Mark a task completed; it stops running"}[verb]
	cmd := &cobra.Command{
		Use:     verb + " TASK_ID",
		Short:   short,
		Example: "  torale tasks " + verb + " 3f2c...",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "task")
			if err != nil {
				return err
			}
			var t contract.TaskView
			switch to {
			case task.StatePaused:
				t, err = c.PauseTask(cmd.Context(), id)
			case task.StateActive:
				t, err = c.ResumeTask(cmd.Context(), id)
			default:
				t, err = c.CompleteTask(cmd.Context(), id)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, t)
			}
			fmt.Fprintf(f.IO.Out, "%s is now %s.\n", t.Name, t.State)
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdTasksRun(f *Factory) *cobra.Command {
	var force, noWait, asJSON bool
	cmd := &cobra.Command{
		Use:   "run TASK_ID",
		Short: "Run a task now and wait for its result",
		Long: `Run a task now, whatever its state, without changing the state, and wait for the
result. A run already in progress makes this fail unless --force cancels it.`,
		Example: "  torale tasks run 3f2c...\n  torale tasks run 3f2c... --no-wait --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := f.clientForID(args[0], "task")
			if err != nil {
				return err
			}
			return runAndWait(cmd, f, c, id, force, noWait, asJSON)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "cancel a run in progress and start a new one")
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "start the run and return without waiting")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// runAndWait starts a run and, unless noWait, polls until it finishes, showing a spinner on a
// terminal. A failed run is an error (exit code 1).
func runAndWait(cmd *cobra.Command, f *Factory, c *client.Client, id uuid.UUID, force, noWait, asJSON bool) error {
	ctx := cmd.Context()
	e, err := c.RunTask(ctx, id, force)
	if err != nil {
		return err
	}
	if !noWait {
		stop := f.spinner("Running the check")
		e, err = waitForRun(ctx, c, e.ID)
		stop()
		if err != nil {
			return err
		}
	}
	if asJSON {
		if err := writeJSON(f.IO.Out, e); err != nil {
			return err
		}
	} else if noWait {
		fmt.Fprintf(f.IO.Out, "Started run %s.\n", e.ID)
	} else if err := printExecution(f, e); err != nil {
		return err
	}
	if e.Status == task.StatusFailed {
		return fmt.Errorf("the run failed: %s", e.Error)
	}
	return nil
}

func waitForRun(ctx context.Context, c *client.Client, id uuid.UUID) (contract.Execution, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		e, err := c.GetExecution(ctx, id)
		if err != nil || e.Status.Final() {
			return e.Execution, err
		}
		select {
		case <-ctx.Done():
			return e.Execution, fmt.Errorf("stopped waiting; the run goes on (torale executions get %s)", id)
		case <-tick.C:
		}
	}
}

func newCmdTasksPreview(f *Factory) *cobra.Command {
	var d definition
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "preview --query TEXT [flags]",
		Short: "Try a task without saving it: see what the agent finds and would send",
		Example: `  torale tasks preview --query "next iPhone release date"
  torale tasks preview -q "Northern lights visible in London tonight" -c "Kp index of 6 or more" --json`,
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
			stop := f.spinner("Searching and deciding")
			p, err := c.PreviewTask(cmd.Context(), in)
			stop()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, p)
			}
			return printResult(f, p.Result)
		},
	}
	d.bind(cmd.Flags())
	addJSONFlag(cmd, &asJSON)
	return cmd
}
