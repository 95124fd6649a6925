package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// NewCmdSpend returns `torale spend`.
func NewCmdSpend(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "spend",
		Short: "Show this month's model spend against your cap",
		Long: `Show what your watches cost in model calls this calendar month (UTC) against your monthly
cap, and each watch's spend beside its own monthly budget. A run that would take the month past
the cap or the watch's budget is not started: the run says why, and you get an alert. Set a
watch's budget with: torale tasks update ID --budget 2.50 (0 removes it).`,
		Example: "  torale spend\n  torale spend --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			s, err := c.Spend(cmd.Context())
			if err != nil {
				return err
			}
			page, err := c.ListTasks(cmd.Context(), "", client.PageOptions{Limit: 200})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, spendReport{Spend: s, Tasks: taskSpends(page.Data)})
			}
			return printSpend(f, s, page.Data)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// spendReport is what `torale spend --json` prints: GET /spend, and each task's spend.
type spendReport struct {
	contract.Spend
	Tasks []taskSpend `json:"tasks"`
}

type taskSpend struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	MonthSpendUSD    float64  `json:"month_spend_usd"`
	MonthlyBudgetUSD *float64 `json:"monthly_budget_usd"`
}

func taskSpends(ts []contract.TaskView) []taskSpend {
	out := []taskSpend{}
	for _, t := range ts {
		if t.MonthSpendUSD > 0 || t.MonthlyBudgetUSD != nil {
			out = append(out, taskSpend{ID: t.ID.String(), Name: t.Name, MonthSpendUSD: t.MonthSpendUSD, MonthlyBudgetUSD: t.MonthlyBudgetUSD})
		}
	}
	return out
}

func printSpend(f *Factory, s contract.Spend, ts []contract.TaskView) error {
	p := f.printer()
	capText, left := "none", "-"
	if s.CapUSD != nil {
		capText = fmt.Sprintf("%s (%s)", usd(*s.CapUSD), map[string]string{"platform": "the platform's", "user": "set for you"}[s.CapSource])
		left = usd(*s.RemainingUSD)
	}
	if err := p.fields([][2]string{{"month", s.MonthStart.UTC().Format("January 2006") + " (UTC)"},
		{"spent", usd(s.SpentUSD)}, {"cap", capText}, {"left", left}}); err != nil {
		return err
	}
	rows := [][]string{}
	for _, t := range taskSpends(ts) {
		budget := "-"
		if t.MonthlyBudgetUSD != nil {
			budget = usd(*t.MonthlyBudgetUSD)
		}
		rows = append(rows, []string{t.ID, p.cell(t.Name, 40), usd(t.MonthSpendUSD), budget})
	}
	if len(rows) == 0 {
		return nil
	}
	if p.tty {
		fmt.Fprintln(f.IO.Out)
	}
	return p.table([]string{"ID", "NAME", "SPENT", "BUDGET"}, rows)
}

// usd writes dollars to the cent, or to the hundredth of a cent below a cent.
func usd(v float64) string {
	if v != 0 && v < 0.01 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}
