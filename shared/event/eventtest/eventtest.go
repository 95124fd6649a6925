// Package eventtest provides a Publisher for tests that keeps every message it is given, so a
// test can say exactly what was published where.
package eventtest

import (
	"context"
	"sync"
)

// Recorder is an event.Publisher that records messages by topic. It is safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	msgs map[string][][]byte
}

// Publish records data under topic.
func (r *Recorder) Publish(_ context.Context, topic string, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.msgs == nil {
		r.msgs = map[string][][]byte{}
	}
	r.msgs[topic] = append(r.msgs[topic], data)
	return nil
}

// Messages returns a copy of what was published to topic, oldest first.
func (r *Recorder) Messages(topic string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.msgs[topic]...)
}

// Take returns what was published to topic and forgets it.
func (r *Recorder) Take(topic string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs[topic]
	delete(r.msgs, topic)
	return out
}

// Count reports how many messages went to topic.
func (r *Recorder) Count(topic string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs[topic])
}
