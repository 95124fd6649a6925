package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/contract"
)

// NewCmdTemplates returns `torale templates`.
func NewCmdTemplates(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "templates <subcommand>",
		Aliases: []string{"template"},
		Short:   "List the template gallery and your own templates, save and delete yours",
		Example: `  torale templates list
  torale tasks create --template gpu-price-drop --email me@example.com
  torale templates save TASK_ID --name "My watch"`,
	}
	cmd.AddCommand(newCmdTemplatesList(f), newCmdTemplatesSave(f), newCmdTemplatesDelete(f))
	return cmd
}

func newCmdTemplatesList(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the built-in templates, then your own",
		Long: `List the templates a task can start from: the built-in gallery (product launches, prices,
releases, policy and regulation, jobs, science, sports), then your own, newest first. Start a
task from one with: torale tasks create --template ID (other flags override its fields).`,
		Example: "  torale templates list\n  torale templates list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			page, err := c.ListTemplates(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			rows := make([][]string, len(page.Data))
			for i, t := range page.Data {
				schedule := t.Schedule
				if schedule == "" {
					schedule = "agent"
				}
				rows[i] = []string{t.ID, p.cell(t.Category, 22), p.cell(t.Name, 40), schedule + " " + t.Timezone, string(t.NotifyBehavior)}
			}
			return p.table([]string{"ID", "CATEGORY", "NAME", "SCHEDULE", "NOTIFY"}, rows)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdTemplatesSave(f *Factory) *cobra.Command {
	var name, description, category string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "save TASK_ID",
		Short: "Save a task's definition as a template of yours",
		Long: `Save a task's definition as a template: its name, query, condition, schedule, time zone,
notify behavior and depth. Never its channels, context or pages.`,
		Example: `  torale templates save 3f2c... --name "Weekly Fed watch" --category policy`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0], "task")
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			t, err := c.CreateTemplate(cmd.Context(), contract.TemplateInput{FromTask: &id, Name: name, Description: description, Category: category})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, t)
			}
			fmt.Fprintf(f.IO.Out, "Saved template %s (%s).\n", t.Name, t.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the template's name (default: the task's)")
	cmd.Flags().StringVar(&description, "description", "", "what the template watches for")
	cmd.Flags().StringVar(&category, "category", "", `a group for it (default "custom")`)
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdTemplatesDelete(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "delete TEMPLATE_ID",
		Aliases: []string{"rm"},
		Short:   "Delete one of your templates (the built-in ones stay)",
		Example: "  torale templates delete 7b1d...",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			if err := c.DeleteTemplate(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Err, "Deleted.")
			return nil
		},
	}
}
