package chat_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/task"
)

func TestFromMessage(t *testing.T) {
	note := strings.Repeat("n", 7000)
	taskID := uuid.MustParse("3f1c2b9e-6a4d-4c1e-9f0a-2b7d8e6c5a41")
	deliveryID := uuid.MustParse("6c0d3b2a-1f4e-4d5c-8b7a-9e8f7a6b5c4d")
	var sources []task.Source
	for range 30 {
		sources = append(sources, task.Source{URL: "https://example.com/", Title: "A\npage"})
	}
	m := outbox.Message{
		Delivery: task.Delivery{ID: deliveryID, TaskID: taskID, CreatedAt: time.Unix(0, 0)},
		Task:     task.Task{ID: taskID, Name: "Pixel\n 10   price", Mode: task.ModeAgent},
		Execution: task.Execution{Result: &task.Result{Notification: &note, Evidence: "  the page says so ",
			Confidence: 85, Sources: sources}},
	}
	p := chat.FromMessage(m, "https://torale.example/")
	require.Equal(t, "Pixel 10 price", p.Title, "a name is one line")
	require.Equal(t, 6000, len([]rune(p.Text)), "clipped like the email's")
	require.True(t, strings.HasSuffix(p.Text, "…"))
	require.Equal(t, "the page says so", p.Evidence)
	require.Equal(t, 85, p.Confidence)
	require.Len(t, p.Sources, 20)
	require.Equal(t, chat.Source{Title: "A page", URL: "https://example.com/"}, p.Sources[0])
	require.Equal(t, "https://torale.example/tasks/"+taskID.String(), p.Link)
	require.Equal(t, deliveryID.String(), p.ID, "the delivery id, the same on every retry")
	require.False(t, p.Diff)
	require.False(t, p.Test)

	diff := "1 line added:\n+ Pro: $12"
	m.Task.Mode = task.ModeChange
	m.Execution.Result = &task.Result{Notification: &diff}
	p = chat.FromMessage(m, "https://torale.example")
	require.True(t, p.Diff, "a change-mode notification is a diff")
	require.Equal(t, diff, p.Text)
	require.Zero(t, p.Confidence)

	m.Execution.Result = nil
	p = chat.FromMessage(m, "https://torale.example")
	require.Empty(t, p.Text, "a run without a result posts its title and link only")
	require.Equal(t, "https://torale.example/tasks/"+taskID.String(), p.Link)
}

func TestSamplePost(t *testing.T) {
	p := chat.SamplePost("https://torale.example/")
	require.True(t, p.Test)
	require.NotEmpty(t, p.Text)
	require.True(t, strings.HasPrefix(p.Link, "https://torale.example/tasks/"))
}
