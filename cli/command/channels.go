package command

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
	"github.com/torale-ai/torale/shared/contract"
)

// maxStdinSecret bounds what --set-stdin reads.
const maxStdinSecret = 4096

// NewCmdChannels returns `torale channels`.
func NewCmdChannels(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channels <command>",
		Short: "Manage your chat and push channels (Slack, Discord, Telegram, ntfy, ...)",
		Long: `Save the chat and push channels Torale may tell you on. A channel's settings are stored
sealed, and its secrets (webhook URLs with keys, bot tokens, access tokens) are never shown
again after saving: lists show them masked. Tasks name channels by id (torale tasks create
--channel ID), or --channel default for every channel added with --default.`,
		Example: "  torale channels kinds\n  torale channels add --kind slack --name Team --set-stdin webhook_url < slack-url.txt\n  torale channels test Team",
	}
	cmd.AddCommand(newCmdChannelsKinds(f), newCmdChannelsList(f), newCmdChannelsAdd(f), newCmdChannelsUpdate(f),
		newCmdChannelsRemove(f), newCmdChannelsTest(f))
	return cmd
}

func newCmdChannelsKinds(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "kinds",
		Short: "List the kinds of channel and the settings each takes",
		Long: `List the kinds of channel this server can send to and their settings: * marks a required
one, (secret) one that is shown masked after saving, (url) an address Torale posts to.`,
		Example: "  torale channels kinds\n  torale channels kinds --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			kinds, err := c.ListChannelKinds(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, contract.Page[contract.ChannelKind]{Data: kinds})
			}
			rows := make([][]string, 0, len(kinds))
			for _, k := range kinds {
				var fs []string
				for _, fl := range k.Fields {
					s := fl.Name
					if fl.Required {
						s += "*"
					}
					if fl.Secret {
						s += " (secret)"
					} else if fl.URL {
						s += " (url)"
					}
					fs = append(fs, s)
				}
				rows = append(rows, []string{k.Kind, strings.Join(fs, ", ")})
			}
			return f.printer().table([]string{"KIND", "SETTINGS"}, rows)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdChannelsList(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List your channels, secrets masked",
		Example: "  torale channels list\n  torale channels list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			list, err := c.ListChannels(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, contract.Page[contract.Channel]{Data: list})
			}
			p := f.printer()
			rows := make([][]string, 0, len(list))
			for _, ch := range list {
				rows = append(rows, []string{ch.ID.String(), p.cell(ch.Name, 30), ch.Kind, yesNo(ch.IsDefault), yesNo(ch.ForAlerts),
					p.cell(settingsCell(ch.Settings), 60)})
			}
			return p.table([]string{"ID", "NAME", "KIND", "DEFAULT", "ALERTS", "SETTINGS"}, rows)
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdChannelsAdd(f *Factory) *cobra.Command {
	var in contract.ChannelInput
	var sets []string
	var fromStdin string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --kind KIND --name NAME --set FIELD=VALUE...",
		Short: "Save a channel",
		Long: `Save a channel. torale channels kinds lists each kind's settings. A secret given with
--set stays in your shell's history: give it on standard input with --set-stdin FIELD instead.
Addresses on private networks, loopback and cloud metadata are refused.`,
		Example: `  torale channels add --kind slack --name Team --set-stdin webhook_url < slack-url.txt
  torale channels add --kind telegram --name Phone --set chat_id=12345678 --set-stdin bot_token
  torale channels add --kind ntfy --name Alerts --set topic=my-hard-to-guess-topic --default`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.Kind == "" || strings.TrimSpace(in.Name) == "" {
				return usagef("--kind and --name are required (torale channels kinds lists the kinds)")
			}
			settings, err := parseSettings(sets, fromStdin, f.IO.In)
			if err != nil {
				return err
			}
			in.Settings = settings
			c, err := f.Client()
			if err != nil {
				return err
			}
			ch, err := c.CreateChannel(cmd.Context(), in)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, ch)
			}
			fmt.Fprintf(f.IO.Out, "Saved %s channel %q: %s\n", ch.Kind, ch.Name, ch.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&in.Kind, "kind", "", "the kind of channel (slack, discord, telegram, ntfy, ...)")
	fs.StringVar(&in.Name, "name", "", "your name for it, unique in your account")
	fs.StringArrayVar(&sets, "set", nil, "a setting as FIELD=VALUE (repeat)")
	fs.StringVar(&fromStdin, "set-stdin", "", "read this setting's value (a secret) from standard input")
	fs.BoolVar(&in.IsDefault, "default", false, "tell this channel wherever a task names your default channels")
	fs.BoolVar(&in.ForAlerts, "alerts", false, "send failure alerts about your watches here")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

func newCmdChannelsUpdate(f *Factory) *cobra.Command {
	var name string
	var sets []string
	var fromStdin string
	var isDefault, forAlerts, asJSON bool
	cmd := &cobra.Command{
		Use:   "update <id or name> [--name NAME] [--set FIELD=VALUE...] [--default=BOOL] [--alerts=BOOL]",
		Short: "Change a channel",
		Long: `Change a channel's name, flags or settings. Settings merge into the saved ones (--set
FIELD= removes one), so a secret need not be given again, except with a new address: changing
a URL setting needs every saved secret again, so a saved token never goes to another server.`,
		Example: `  torale channels update Team --name "Team alerts" --alerts
  torale channels update Phone --set chat_id=87654321
  torale channels update Team --set-stdin webhook_url < new-slack-url.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p contract.ChannelPatch
			fs := cmd.Flags()
			if fs.Changed("name") {
				if strings.TrimSpace(name) == "" {
					return usagef("--name cannot be empty")
				}
				p.Name = &name
			}
			if fs.Changed("default") {
				p.IsDefault = &isDefault
			}
			if fs.Changed("alerts") {
				p.ForAlerts = &forAlerts
			}
			if len(sets) > 0 || fromStdin != "" {
				settings, err := parseSettings(sets, fromStdin, f.IO.In)
				if err != nil {
					return err
				}
				p.Settings = settings
			}
			if p.Name == nil && p.IsDefault == nil && p.ForAlerts == nil && p.Settings == nil {
				return usagef("nothing to change: give --name, --set, --set-stdin, --default or --alerts")
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			id, err := channelID(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			ch, err := c.UpdateChannel(cmd.Context(), id, p)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, ch)
			}
			fmt.Fprintf(f.IO.Out, "Updated %s channel %q: %s\n", ch.Kind, ch.Name, ch.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "a new name, unique in your account")
	fs.StringArrayVar(&sets, "set", nil, "a setting as FIELD=VALUE (repeat; FIELD= removes it)")
	fs.StringVar(&fromStdin, "set-stdin", "", "read this setting's value (a secret) from standard input")
	fs.BoolVar(&isDefault, "default", false, "tell this channel wherever a task names your default channels")
	fs.BoolVar(&forAlerts, "alerts", false, "send failure alerts about your watches here")
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// parseSettings reads --set pairs and the --set-stdin value.
func parseSettings(sets []string, fromStdin string, in io.Reader) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--set takes FIELD=VALUE (got %q)", strings.SplitN(s, "=", 2)[0])
		}
		out[strings.TrimSpace(k)] = v
	}
	if fromStdin != "" {
		b, err := io.ReadAll(io.LimitReader(in, maxStdinSecret+1))
		if err != nil {
			return nil, fmt.Errorf("reading %s from standard input: %w", fromStdin, err)
		}
		v := strings.TrimSpace(string(b))
		switch {
		case len(b) > maxStdinSecret:
			return nil, usagef("--set-stdin reads at most %d bytes", maxStdinSecret)
		case v == "":
			return nil, usagef("--set-stdin %s: standard input was empty", fromStdin)
		}
		out[fromStdin] = v
	}
	return out, nil
}

func newCmdChannelsRemove(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "remove <id or name>",
		Short:   "Delete a channel",
		Long:    "Delete a channel and its sealed settings. Tasks that named it keep the id; their deliveries to it fail, saying the channel was deleted.",
		Example: "  torale channels remove Team\n  torale channels remove 3f2c1e9a-...",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			id, err := channelID(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			if err := c.DeleteChannel(cmd.Context(), id); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Err, "Deleted channel", id)
			return nil
		},
	}
}

func newCmdChannelsTest(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "test <id or name>",
		Short:   "Send a test message on a channel",
		Long:    "Send a test message, shaped like a notification and marked as a test, through the same checks as real ones. Exits 1 when it was not delivered.",
		Example: "  torale channels test Team\n  torale channels test 3f2c1e9a-... --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			id, err := channelID(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			res, err := c.TestChannel(cmd.Context(), id)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(f.IO.Out, res); err != nil {
					return err
				}
			} else if res.OK {
				fmt.Fprintf(f.IO.Out, "Delivered (status %d, %d ms)\n", deref(res.StatusCode), res.LatencyMS)
			}
			if !res.OK {
				return fmt.Errorf("the test message was not delivered: %s", res.Error)
			}
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON)
	return cmd
}

// channelID reads a channel's id, or finds the channel of that name.
func channelID(ctx context.Context, c *client.Client, s string) (uuid.UUID, error) {
	if id, err := uuid.Parse(strings.TrimSpace(s)); err == nil {
		return id, nil
	}
	list, err := c.ListChannels(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	for _, ch := range list {
		if ch.Name == s {
			return ch.ID, nil
		}
	}
	return uuid.Nil, fmt.Errorf("you have no channel named %q (torale channels list shows them)", s)
}

func settingsCell(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
