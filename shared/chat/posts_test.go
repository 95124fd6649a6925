package chat_test

import (
	"fmt"
	"strings"

	"github.com/torale-ai/torale/shared/chat"
)

const link = "https://torale.example/tasks/3f1c2b9e-6a4d-4c1e-9f0a-2b7d8e6c5a41"

// representative is a notification whose agent text holds every kind of markup the services
// read: emphasis, links, mentions, HTML, MarkdownV2's reserved characters.
func representative() chat.Post {
	return chat.Post{
		Title: "Pixel 10 <price> & @everyone",
		Text: "The Pixel 10 is now $599 (was $799) at *Store* — see [here](https://evil.example) <!channel> @everyone <@123> _now_.\n\n" +
			"1. It ships next week; # not a heading; a|b ~c~ `code` {x} = y + z - w! \\ end.",
		Evidence:   "The store's page lists $599 <b>today</b>; two news sites agree.",
		Confidence: 85,
		Sources: []chat.Source{
			{Title: "Store | Pixel 10 [official]", URL: "https://store.example.com/pixel_10?a=1&b=(2)"},
			{Title: "", URL: "https://news.example.org/pixel"},
			{Title: "Bad", URL: "javascript:alert(1)"},
		},
		Link: link,
		ID:   "6c0d3b2a-1f4e-4d5c-8b7a-9e8f7a6b5c4d",
	}
}

// long is a notification far over every service's limits, with characters that take two
// UTF-16 units and characters every format escapes.
func long() chat.Post {
	p := representative()
	p.Title = strings.Repeat("Long title ", 40)
	p.Text = strings.Repeat("News 🚀 with (parens) & <tags>. ", 400)
	p.Evidence = strings.Repeat("Evidence *star* ", 500)
	p.Sources = nil
	for i := range 25 {
		p.Sources = append(p.Sources, chat.Source{Title: fmt.Sprintf("Source %d", i), URL: fmt.Sprintf("https://example.com/%d", i)})
	}
	return p
}

// diff is a change-mode notification: a diff, no evidence, no confidence.
func diff() chat.Post {
	return chat.Post{Title: "Pricing page", Diff: true, Link: link, ID: "0b6f7c1e-2d3a-4b5c-9d8e-7f6a5b4c3d2e",
		Text:    "2 lines added, 1 removed:\n+ Pro: $12 / month\n+ ```Team```: $30\n- Pro: $10 / month",
		Sources: []chat.Source{{Title: "Pricing", URL: "https://example.com/pricing"}}}
}
