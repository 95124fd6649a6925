package command

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// NewCmdAccount returns `torale account`: your data, to take away or to delete.
func NewCmdAccount(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account <subcommand>",
		Short:   "Export your data or delete your account",
		Example: "  torale account export --output torale.json\n  torale account delete",
	}
	cmd.AddCommand(newCmdAccountExport(f), newCmdAccountDelete(f))
	return cmd
}

func newCmdAccountExport(f *Factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Download everything Torale holds about you, as JSON",
		Long: `Download everything Torale holds about you as one JSON document: your profile, API keys
(prefixes only), addresses, webhook settings without the secret, feed settings without the
token, tasks, every run, notifications, deliveries with their attempts, task memory and page
snapshots. It is streamed, so a long history is fine. The document ends with "complete": true;
an export that was cut off is an error and, with --output, leaves no file behind.`,
		Example: "  torale account export > torale.json\n  torale account export --output torale.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			if output == "" {
				_, err := c.ExportMe(cmd.Context(), f.IO.Out)
				return err
			}
			// Written beside the target and renamed at the end, so a cut-off export is no file.
			tmp, err := os.CreateTemp(filepath.Dir(output), ".torale-export-*")
			if err != nil {
				return usagef("cannot write beside %s: %v", output, err)
			}
			defer os.Remove(tmp.Name())
			n, err := c.ExportMe(cmd.Context(), tmp)
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), output); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Err, "Wrote %d bytes to %s.\n", n, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func newCmdAccountDelete(f *Factory) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete your account and everything of it",
		Long: `Delete your account: every task with its scheduled job, every run, notification, delivery,
address, webhook and feed setting. Your API keys stop working and a confirmation goes to your
sign-in address. This cannot be undone; run 'torale account export' first to keep a copy.

You are asked to type your account's email address (its id when it has none); --yes skips the
question, and is required when standard input is not a terminal.`,
		Example: "  torale account delete\n  torale account delete --yes --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			me, err := c.Me(cmd.Context())
			if err != nil {
				return err
			}
			want := firstOf(me.Email, me.ID.String())
			if !yes {
				if !f.IO.InTTY {
					return usagef("standard input is not a terminal: pass --yes to delete the account without the question")
				}
				fmt.Fprintf(f.IO.Err, "This deletes the account %s and all of its data for good.\nType %s to confirm: ", want, want)
				typed, err := bufio.NewReader(f.IO.In).ReadString('\n')
				if err != nil && err != io.EOF {
					return err
				}
				if !strings.EqualFold(strings.TrimSpace(typed), want) {
					return usagef("that is not %s; nothing was deleted", want)
				}
			}
			out, err := c.DeleteMe(cmd.Context(), want)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, out)
			}
			fmt.Fprintf(f.IO.Out, "Deleted the account %s: %d tasks, %d API keys revoked.\n", want, out.Tasks, out.RevokedKeys)
			if out.ConfirmationSentTo != "" {
				fmt.Fprintf(f.IO.Out, "A confirmation went to %s.\n", out.ConfirmationSentTo)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking to type the email address")
	addJSONFlag(cmd, &asJSON)
	return cmd
}
