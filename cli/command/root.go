// Package command holds the torale CLI's commands. Each command is a constructor that takes
// the shared IO and environment, so tests run commands in-process with their own streams.
package command

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// IO are the streams a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
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

// NewCmdRoot returns the torale command with every subcommand.
func NewCmdRoot(ios IO, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "torale",
		Short: "Watch the web for what matters to you",
		Long: `Torale watches the web for you: describe what you are waiting for, and an agent
searches on a schedule and tells you, with sources, when it happens.

Exit codes: 0 ok, 1 error, 2 usage, 4 authentication.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(NewCmdDev(ios, getenv), NewCmdMigrate(ios, getenv))
	return root
}

// Execute runs the CLI with args and returns the process exit code.
func Execute(ctx context.Context, ios IO, args []string, getenv func(string) string) int {
	root := NewCmdRoot(ios, getenv)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(ios.Err, "Error:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(ios.Err, "Run 'torale --help' for usage.")
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage recognises cobra's own argument errors, which it returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires ", "unknown flag", "unknown shorthand flag"} {
		if len(msg) >= len(p) && (msg[:len(p)] == p) {
			return true
		}
	}
	return false
}
