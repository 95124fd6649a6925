package chat_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/torale-ai/torale/shared/chat"
)

// BenchmarkSend formats and posts the representative and the long post to each kind's local fake through
// the guarded client: the cost of a send on Torale's side, the service's own time aside.
func BenchmarkSend(b *testing.B) {
	for _, k := range chat.Kinds() {
		sp := specs[k]
		for name, p := range map[string]chat.Post{"representative": representative(), "long": long()} {
			b.Run(string(k)+"/"+name, func(b *testing.B) {
				f := newFake(b, sp.ok)
				s, _ := chat.Lookup(k)
				set, err := s.Validate(sp.settings(f.URL))
				require.NoError(b, err)
				client := f.client()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Send(context.Background(), client, set, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
