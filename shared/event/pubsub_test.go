package event_test

import (
	"context"
	"testing"

	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/torale-ai/torale/shared/event"
)

func TestPubSubPublishesVersionedMessagesToTheProjectsTopics(t *testing.T) {
	ctx := context.Background()
	srv := pstest.NewServer()
	t.Cleanup(func() { _ = srv.Close() })
	conn, err := grpc.NewClient(srv.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	_, err = srv.GServer.CreateTopic(ctx, &pubsubpb.Topic{Name: "projects/proj/topics/run-task"})
	require.NoError(t, err)

	p, err := event.NewPubSub(ctx, "proj", event.PubSubOptions{Client: []option.ClientOption{option.WithGRPCConn(conn)}})
	require.NoError(t, err)
	m := event.RunTask{Version: event.Version, TaskID: uuid.New(), UserID: uuid.New()}
	require.NoError(t, event.PublishJSON(ctx, p, event.TopicRunTask, m))

	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	got, err := event.DecodeRunTask(msgs[0].Data)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, "1", msgs[0].Attributes["version"])

	// A topic that does not exist is an error the caller sees, not a lost message.
	require.Error(t, p.Publish(ctx, event.TopicNotify, []byte(`{}`)))

	require.NoError(t, p.Close())
	require.ErrorIs(t, p.Publish(ctx, event.TopicRunTask, []byte(`{}`)), event.ErrClosed)
	require.Equal(t, "projects/proj/topics/notify", event.TopicName("proj", event.TopicNotify))
}
