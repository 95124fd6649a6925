//go:build linux

package main

import (
	"context"

	"cloud.google.com/go/pubsub/v2"

	"github.com/torale-ai/torale/shared/event/pubsubtest"
)

func pubsubClient(ctx context.Context, emu *pubsubtest.Emulator, project string) (*pubsub.Client, error) {
	opts, err := emu.ClientOptions()
	if err != nil {
		return nil, err
	}
	return pubsub.NewClient(ctx, project, opts...)
}
