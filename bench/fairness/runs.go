package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/event"
	"github.com/torale-ai/torale/shared/logging"
)

// runs measures how long the victim's run-task message waits for a worker of the in-process
// bus, alone and behind the attacker's burst.
func runs(opts options) figure {
	return figure{Scenario: "runs (bus, 4 workers)", Baseline: runStart(opts, 0).Seconds(),
		Loaded: runStart(opts, opts.Burst).Seconds()}.added()
}

// runStart publishes burst runs of the attacker, then the victim's, and returns how long after
// its publication the victim's run started.
func runStart(opts options, burst int) time.Duration {
	bus := event.NewBus(logging.Discard(), event.BusOptions{})
	defer bus.Close(context.Background())
	attacker := uuid.New()
	started := make(chan time.Time, 1)
	bus.Subscribe(event.TopicRunTask, 16, func(_ context.Context, data []byte) error {
		m, err := event.DecodeRunTask(data)
		if err != nil {
			return err
		}
		if m.UserID != attacker {
			started <- time.Now()
			return nil
		}
		time.Sleep(opts.RunTime) // the attacker's run, as the agent would take it
		return nil
	})
	publish := func(user uuid.UUID) {
		data, _ := json.Marshal(event.RunTask{Version: event.Version, TaskID: uuid.New(), UserID: user})
		_ = bus.Publish(context.Background(), event.TopicRunTask, data)
	}
	for range burst {
		publish(attacker)
	}
	at := time.Now()
	publish(uuid.New())
	return (<-started).Sub(at)
}

func (f figure) added() figure {
	f.Added = f.Loaded - f.Baseline
	return f
}
