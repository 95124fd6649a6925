package watch

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// PublicResultsShown is how many of a public watch's newest results its page and feed show.
const PublicResultsShown = 20

// applyPublic carries a PATCH's public and public_context_ok into next. A public watch with a
// context always has the owner's confirmation that the context may shape its public results
// (its evidence is written with the context in view): making a watch public takes a fresh
// confirmation in the same request, and changing the context of a public watch takes one too.
// Without it nothing is saved and the answer is a 409 saying what to send.
func (s *Service) applyPublic(cur, next task.Task, p Patch) (task.Task, error) {
	becomes := p.Public != nil && *p.Public && !cur.Public
	if p.Public != nil {
		next.Public = *p.Public
	}
	switch {
	case p.PublicContextOK != nil:
		next.PublicContextOK = *p.PublicContextOK
	case becomes || next.Context != cur.Context:
		next.PublicContextOK = false // a confirmation covers one publish of one context
	}
	if next.Public && len(next.URLs) > 0 {
		// Its results name the pages it reads (sources, evidence, a change's diff), which are
		// the owner's to keep private.
		return task.Task{}, &store.ConflictError{Reason: "This watch reads pages you named, and its results name them, " +
			"so it cannot be public. Remove its pages (urls) first."}
	}
	if next.Public && next.Context != "" && !next.PublicContextOK {
		return task.Task{}, &store.ConflictError{Reason: "This watch has a context, which shapes the results a public watch " +
			"shows to everyone. Send \"public_context_ok\": true with the change to confirm, or clear the context first."}
	}
	if becomes {
		now := s.now()
		next.PublishedAt = &now
		if next.PublicSlug == "" {
			next.PublicSlug = Slug(next.Name)
		}
	}
	return next, nil
}

// slugCoding spells a slug's random suffix in lowercase letters and digits.
var slugCoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Slug makes a public watch's address from its name: the name's ASCII letters and digits in
// lowercase words joined by hyphens (at most 40 characters), then a hyphen and 8 random
// characters, so that two watches of the same name never share one and a slug cannot be
// guessed from a name.
func Slug(name string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			w.WriteRune(r)
		} else {
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, word := range words {
		if b.Len()+1+len(word) > 40 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(word)
	}
	if b.Len() == 0 {
		b.WriteString("watch")
	}
	var random [5]byte
	_, _ = rand.Read(random[:])
	return b.String() + "-" + slugCoding.EncodeToString(random[:])
}

// Public is a public watch with its newest results, as anyone may read it.
type Public struct {
	Task    task.Task
	Results []task.Execution
}

// PublicTask returns the public watch at slug with its newest results, or store.ErrNotFound
// when there is none or its owner made it private.
func (s *Service) PublicTask(ctx context.Context, slug string) (Public, error) {
	t, err := s.store.GetPublicTask(ctx, slug)
	if err != nil {
		return Public{}, err
	}
	var since time.Time
	if t.PublishedAt != nil {
		since = *t.PublishedAt
	}
	results, err := s.store.PublicResults(ctx, t.ID, since, PublicResultsShown)
	if err != nil {
		return Public{}, err
	}
	return Public{Task: t, Results: results}, nil
}

// PublicTasks returns a page of public watches, most recently published first, matching query
// when it is not empty.
func (s *Service) PublicTasks(ctx context.Context, query string, limit int, after *store.PublicCursor) ([]task.Task, error) {
	return s.store.ListPublicTasks(ctx, query, limit, after)
}

// ForkFields are the fields of a public watch a fork copies: exactly those its public view
// shows of the definition. Channels, context, pages, depth and everything else the owner set
// stay behind.
func ForkFields(t task.Task) task.Draft {
	return task.Draft{Name: t.Name, SearchQuery: t.SearchQuery, ConditionDescription: t.ConditionDescription,
		Schedule: t.Schedule, Timezone: t.Timezone}
}

// Fork copies the public watch at slug into a new task of the user's, paused: it has no
// channels yet, and a paused fork spends nothing of the user's until they look it over and
// resume it (which also keeps a fork from taking one of their active-task slots unasked).
func (s *Service) Fork(ctx context.Context, userID uuid.UUID, slug string) (task.Task, error) {
	src, err := s.store.GetPublicTask(ctx, slug)
	if err != nil {
		return task.Task{}, err
	}
	d := ForkFields(src)
	d.Mode = task.ModeAgent
	n, err := normalize(d, s.rules)
	if err != nil {
		return task.Task{}, err
	}
	first, cause, err := task.First(n.Schedule, n.Timezone, false, s.now())
	if err != nil {
		return task.Task{}, err
	}
	return s.create(ctx, store.NewTask{
		UserID: userID, Name: n.Name, NameIsDefault: n.NameIsDefault(), SearchQuery: n.SearchQuery,
		ConditionDescription: n.ConditionDescription, Schedule: n.Schedule, Timezone: n.Timezone,
		NotifyBehavior: n.NotifyBehavior, Depth: n.Depth, State: task.StatePaused, NextRunAt: &first,
		NextRunCause: cause, Mode: n.Mode,
	})
}
