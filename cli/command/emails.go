package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/contract"
	"github.com/torale-ai/torale/shared/email"
)

// NewCmdEmails returns `torale emails`: the addresses notifications may go to.
func NewCmdEmails(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "emails <subcommand>",
		Short: "Add, verify, list and remove the addresses your notifications may go to",
		Example: `  torale emails add me@example.com
  torale emails verify me@example.com 123456
  torale emails list`,
	}
	var asJSON bool
	addr := func(raw string) (string, error) {
		a, ok := email.NormalizeAddress(raw)
		if !ok {
			return "", usagef("%q is not an email address (name@example.com)", raw)
		}
		return a, nil
	}
	printOne := func(a contract.EmailAddress, msg string) error {
		if asJSON {
			return writeJSON(f.IO.Out, a)
		}
		fmt.Fprintln(f.IO.Out, msg)
		return nil
	}
	add := &cobra.Command{
		Use:     "add ADDRESS",
		Short:   "Mail a verification code to an address",
		Example: "  torale emails add me@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			got, err := c.AddEmail(cmd.Context(), a)
			if err != nil {
				return err
			}
			msg := "Sent a code to " + got.Email + "; run 'torale emails verify " + got.Email + " CODE'."
			if got.Verified {
				msg = got.Email + " is already verified."
			}
			return printOne(got, msg)
		},
	}
	verify := &cobra.Command{
		Use:     "verify ADDRESS CODE",
		Short:   "Verify an address with the code mailed to it",
		Example: "  torale emails verify me@example.com 123456",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			code := strings.TrimSpace(args[1])
			if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
				return usagef("the code is the 6 digits in the email, not %q", args[1])
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			got, err := c.VerifyEmail(cmd.Context(), a, code)
			if err != nil {
				return err
			}
			return printOne(got, got.Email+" is verified; tasks may notify it.")
		},
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your verified addresses and those waiting for a code",
		Example: "  torale emails list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			list, err := c.ListEmails(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, list)
			}
			p := f.printer()
			rows := make([][]string, len(list))
			for i, a := range list {
				state := "waiting for the code"
				switch {
				case a.Account:
					state = "verified (sign-in address)"
				case a.Verified:
					state = "verified"
				}
				rows[i] = []string{a.Email, state}
			}
			return p.table([]string{"ADDRESS", "STATE"}, rows)
		},
	}
	remove := &cobra.Command{
		Use:     "remove ADDRESS",
		Aliases: []string{"rm"},
		Short:   "Remove an address; tasks stop notifying it",
		Example: "  torale emails remove old@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := addr(args[0])
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			if err := c.DeleteEmail(cmd.Context(), a); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(f.IO.Out, struct {
					Email   string `json:"email"`
					Removed bool   `json:"removed"`
				}{a, true})
			}
			fmt.Fprintln(f.IO.Out, "Removed "+a+".")
			return nil
		},
	}
	for _, c := range []*cobra.Command{add, verify, list, remove} {
		addJSONFlag(c, &asJSON)
		cmd.AddCommand(c)
	}
	return cmd
}
