// Package command holds the torale CLI's commands. Each command is a constructor that takes
// the shared Factory (streams, environment, settings, API client), so tests run commands
// in-process with their own streams and HTTP transport.
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/torale-ai/torale/shared/client"
)

// IO are the streams a command reads and writes, and whether each is a terminal.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	InTTY  bool
	OutTTY bool
	ErrTTY bool
}

// TerminalIO returns IO over the process's streams, noting which are terminals.
func TerminalIO(in io.Reader, out, errOut io.Writer) IO {
	return IO{In: in, Out: out, Err: errOut, InTTY: isTerminal(in), OutTTY: isTerminal(out), ErrTTY: isTerminal(errOut)}
}

// Exit codes, as documented in --help.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	ExitAuth  = 4
)

// usageError marks a mistake in how the command was called.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// authError marks a missing or refused credential.
type authError struct{ error }

// NewCmdRoot returns the torale command with every subcommand.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "torale <command> <subcommand> [flags]",
		Short: "Watch the web for what matters to you",
		Long: `Torale watches the web for you: describe what you are waiting for, and an agent
searches on a schedule and tells you, with sources, when it happens.

Configuration lives in $TORALE_CONFIG_DIR, else $XDG_CONFIG_HOME/torale, else
~/.config/torale; TORALE_TOKEN and TORALE_API_URL override it.

Exit codes: 0 ok, 1 error, 2 usage, 4 authentication.`,
		Example: `  torale auth login
  torale tasks create --query "next iPhone release date" --email me@example.com
  torale tasks list --state active
  TORALE_API_URL=http://127.0.0.1:8080 torale tasks list   # against torale dev`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(NewCmdAuth(f), NewCmdTasks(f), NewCmdExecutions(f), NewCmdNotifications(f),
		NewCmdKeys(f), NewCmdFeed(f), NewCmdAdmin(f), NewCmdDev(f), NewCmdMigrate(f), NewCmdTemplates(f),
		NewCmdAccount(f), NewCmdWebhook(f), NewCmdEmails(f), NewCmdDeliveries(f), NewCmdChannels(f),
		NewCmdSpend(f), NewCmdAlerts(f))
	return root
}

// Execute runs the CLI with args and returns the process exit code.
func Execute(ctx context.Context, f *Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(f.IO.Err, "Error:", err)
	var ue usageError
	var ae authError
	switch status := client.StatusOf(err); {
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintln(f.IO.Err, "Run 'torale --help' for usage.")
		return ExitUsage
	case errors.As(err, &ae) || status == http.StatusUnauthorized:
		if status == http.StatusUnauthorized {
			fmt.Fprintln(f.IO.Err, "Run 'torale auth login' to sign in with an API key.")
		}
		return ExitAuth
	case status == http.StatusForbidden:
		return ExitAuth
	}
	return ExitError
}

// isCobraUsage recognises cobra's own argument errors, which it returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires ", "unknown flag", "unknown shorthand flag", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
