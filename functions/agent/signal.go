package agent

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// StopOnSIGTERM waits for SIGTERM (Cloud Run stopping an instance, a spot node being
// preempted), then stops the agent runs in flight so each answers with a retryable failure
// within grace, and passes the signal on: to the process's other listeners if it has any,
// otherwise to the default action, which ends the process as before. Run it in a goroutine.
func (f *Function) StopOnSIGTERM(grace time.Duration, log *slog.Logger) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	log.Info("SIGTERM: stopping agent runs in flight so they are retried elsewhere")
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	if err := f.Shutdown(ctx); err != nil {
		log.Warn("stopping agent runs", "error", err.Error())
	}
	cancel()
	signal.Stop(sig)
	if self, err := os.FindProcess(os.Getpid()); err == nil {
		_ = self.Signal(syscall.SIGTERM)
	}
}
