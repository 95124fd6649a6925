package command

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// NewCmdWebhook returns `torale webhook`: the default webhook, its secret, tests and log.
func NewCmdWebhook(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook <subcommand>",
		Short: "Your default webhook: URL, signing secret, test sends and the delivery log",
		Example: `  torale webhook set https://hooks.example.com/torale
  torale webhook test
  torale webhook deliveries --limit 10`,
	}
	cmd.AddCommand(newCmdWebhookGet(f), newCmdWebhookSet(f), newCmdWebhookRotate(f), newCmdWebhookTest(f),
		newCmdWebhookDeliveries(f))
	return cmd
}

func printWebhook(f *Factory, w contract.WebhookSettings, asJSON bool) error {
	if asJSON {
		return writeJSON(f.IO.Out, w)
	}
	p := f.printer()
	pairs := [][2]string{{"url", firstOf(w.URL, "(none)")}, {"enabled", strconv.FormatBool(w.Enabled)}, {"secret", w.Secret}}
	if w.PreviousSecretExpiresAt != nil {
		pairs = append(pairs, [2]string{"previous secret signs until", p.when(w.PreviousSecretExpiresAt)})
	}
	for _, d := range w.DisabledEndpoints {
		pairs = append(pairs, [2]string{"disabled", d.URL + " (" + d.Reason + ")"})
	}
	return p.fields(pairs)
}

func newCmdWebhookGet(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "get",
		Short:   "Show the default webhook and its signing secret",
		Example: "  torale webhook get --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			w, err := c.GetWebhook(cmd.Context())
			if err != nil {
				return err
			}
			return printWebhook(f, w, asJSON)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// checkWebhookURL refuses, before any call, what cannot be a webhook URL; the API checks the
// rest (https, no private addresses).
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usagef("%q is not a webhook URL (https://host/path)", raw)
	}
	return nil
}

func newCmdWebhookSet(f *Factory) *cobra.Command {
	var asJSON, disable bool
	cmd := &cobra.Command{
		Use:   "set URL",
		Short: "Set the default webhook URL (and enable it)",
		Long: `Set the default webhook: tasks whose webhook notification names no URL post here. Setting
a URL enables it; --disable keeps the URL but stops posting. An empty URL ("") clears it.`,
		Example: "  torale webhook set https://hooks.example.com/torale\n  torale webhook set \"\"\n  torale webhook set https://hooks.example.com/torale --disable",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := strings.TrimSpace(args[0])
			if raw != "" {
				if err := checkWebhookURL(raw); err != nil {
					return err
				}
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			in := contract.WebhookInput{URL: raw}
			if disable {
				off := false
				in.Enabled = &off
			}
			w, err := c.SetWebhook(cmd.Context(), in)
			if err != nil {
				return err
			}
			return printWebhook(f, w, asJSON)
		},
	}
	cmd.Flags().BoolVar(&disable, "disable", false, "keep the URL but stop posting to it")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdWebhookRotate(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Make a new signing secret (the old one keeps signing for 24 hours)",
		Long: `Make a new signing secret. The previous one keeps signing beside it for 24 hours, so
receivers can switch without dropping a delivery.`,
		Example: "  torale webhook rotate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			w, err := c.RotateWebhookSecret(cmd.Context())
			if err != nil {
				return err
			}
			return printWebhook(f, w, asJSON)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdWebhookTest(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "test [URL]",
		Short:   "Send a signed test webhook to the default URL, or to URL",
		Example: "  torale webhook test\n  torale webhook test https://hooks.example.com/other --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := ""
			if len(args) == 1 {
				target = strings.TrimSpace(args[0])
				if err := checkWebhookURL(target); err != nil {
					return err
				}
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			r, err := c.TestWebhook(cmd.Context(), target)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, r)
			}
			code := "-"
			if r.StatusCode != nil {
				code = strconv.Itoa(*r.StatusCode)
			}
			pairs := [][2]string{{"ok", strconv.FormatBool(r.OK)}, {"status", code}, {"latency", fmt.Sprintf("%d ms", r.LatencyMS)},
				{"webhook-id", r.WebhookID}}
			if r.Error != "" {
				pairs = append(pairs, [2]string{"error", r.Error})
			}
			return f.printer().fields(pairs)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdWebhookDeliveries(f *Factory) *cobra.Command {
	var asJSON bool
	var taskID string
	var limit int
	cmd := &cobra.Command{
		Use:     "deliveries",
		Short:   "List webhook deliveries, newest first, with their attempts",
		Example: "  torale webhook deliveries\n  torale webhook deliveries --task 3f2c... --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 200 {
				return usagef("--limit must be from 1 to 200")
			}
			var tid *uuid.UUID
			if taskID != "" {
				id, err := parseID(taskID, "task")
				if err != nil {
					return err
				}
				tid = &id
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			page, err := c.ListWebhookDeliveries(cmd.Context(), tid, client.PageOptions{Limit: limit})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, page)
			}
			p := f.printer()
			rows := make([][]string, len(page.Data))
			for i, d := range page.Data {
				rows[i] = []string{d.ID.String(), p.when(&d.CreatedAt), p.cell(d.TaskName, 30), p.paint(string(d.Status)),
					strconv.Itoa(d.Attempts), p.cell(firstOf(d.Target, "(default)"), 40), p.cell(d.LastError, 50)}
			}
			return p.table([]string{"ID", "WHEN", "TASK", "STATUS", "ATTEMPTS", "TARGET", "LAST ERROR"}, rows)
		},
	}
	cmd.Flags().StringVar(&taskID, "task", "", "only this task's deliveries")
	cmd.Flags().IntVarP(&limit, "limit", "L", 20, "how many to show (1-200)")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// NewCmdDeliveries returns `torale deliveries`: what can be done to one delivery.
func NewCmdDeliveries(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "deliveries <subcommand>",
		Short:   "Send a notification again",
		Example: "  torale deliveries redeliver 7d0c...",
	}
	var asJSON bool
	redeliver := &cobra.Command{
		Use:   "redeliver DELIVERY_ID",
		Short: "Send a delivered or failed notification again, as a new delivery",
		Long: `Send a delivered or failed notification again, on its channel (email or webhook), to the
target it was stored with, as a new delivery with a new id that is retried and logged like any
other. The ids are in 'torale webhook deliveries' and 'torale notifications list --json'.`,
		Example: "  torale deliveries redeliver 7d0c1e9a-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0], "delivery")
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			d, err := c.Redeliver(cmd.Context(), id)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, d)
			}
			fmt.Fprintf(f.IO.Out, "Queued %s delivery %s (a replay of %s).\n", d.Channel, d.ID, id)
			return nil
		},
	}
	addJSONFlag(redeliver, &asJSON)
	cmd.AddCommand(redeliver)
	return cmd
}
