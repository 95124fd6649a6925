// Command torale is Torale's command line: the local platform (torale dev), schema migrations,
// and every user operation through the API.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // time zones for tasks, also in images without /usr/share/zoneinfo

	"github.com/torale-ai/torale/cli/command"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f := &command.Factory{IO: command.TerminalIO(os.Stdin, os.Stdout, os.Stderr), Getenv: os.Getenv}
	code := command.Execute(ctx, f, os.Args[1:])
	stop()
	os.Exit(code)
}
