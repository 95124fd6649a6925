package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/torale-ai/torale/shared/agent"
	"github.com/torale-ai/torale/shared/change"
	"github.com/torale-ai/torale/shared/outbox"
	"github.com/torale-ai/torale/shared/page"
	"github.com/torale-ai/torale/shared/store"
	"github.com/torale-ai/torale/shared/task"
)

// PageReader reads one page; *page.Reader is one.
type PageReader interface {
	Read(ctx context.Context, req page.Request) (page.Page, error)
}

// Snapshots keeps the last text of each page a change-mode task reads; *store.Store is one.
type Snapshots interface {
	PageSnapshot(ctx context.Context, userID, taskID uuid.UUID, url string) (store.Snapshot, error)
	SavePageSnapshot(ctx context.Context, userID, taskID uuid.UUID, snap store.Snapshot, now time.Time) error
}

// maxChangeMessage bounds a change run's notification, whatever the number of pages changed.
const maxChangeMessage = 4000

// changeRun is what one change-mode run found: the result to record and the snapshots to keep
// once it is recorded.
type changeRun struct {
	result task.Result
	// silence says why a run that does not notify stayed silent.
	silence task.SilenceReason
	keep    []store.Snapshot
	// steps are the page reads, for the run's trail.
	steps []task.Step
}

// runChange runs a change-mode task: no model, no search. Each page is read with the validators
// of its last read; a page whose normalised text differs from the last, in a way the task's
// filter counts, makes the run notify with the diff and cite the page. The first read of a page
// is its baseline and does not notify. A page that cannot be read is named in the evidence with
// the reason, and the others still count. The snapshots are saved after the result is recorded,
// as memory is: a crash in between can at worst notify the same change once more.
func (r *Runner) runChange(ctx context.Context, t task.Task, exec task.Execution, log *slog.Logger) error {
	o := store.Outcome{ExecutionID: exec.ID, UserID: t.UserID, TaskID: t.ID, Attempt: exec.Attempt,
		Now: r.now(), TaskVersion: t.UpdatedAt}
	if r.cfg.Pages == nil || r.cfg.Snapshots == nil {
		return r.fail(ctx, t, exec, o, &agent.Error{Category: task.CategorySystem,
			Message: "this service cannot read pages, so change-mode watches do not run here"}, log)
	}
	cctx, cancel := context.WithTimeout(ctx, r.cfg.agentTimeout(KindOf(t)))
	run, err := r.compareAll(cctx, t)
	cancel()
	o.Now = r.now()
	if err != nil {
		return r.fail(ctx, t, exec, o, err, log)
	}
	out := agent.Output{Result: run.result, Silence: run.silence, Steps: run.steps}
	return r.succeedThen(ctx, t, exec, o, out, log, func(ctx context.Context) {
		for _, s := range run.keep {
			if err := r.cfg.Snapshots.SavePageSnapshot(ctx, t.UserID, t.ID, s, o.Now); err != nil {
				log.WarnContext(ctx, "keeping the page's text", slog.String("url", s.URL), slog.String("error", err.Error()))
			}
		}
	})
}

// compareAll reads every page of t and compares it with its last read.
func (r *Runner) compareAll(ctx context.Context, t task.Task) (changeRun, error) {
	// The filter was checked when the task was saved; one that no longer parses (a later,
	// stricter limit) lets every change count rather than silence the watch.
	filter, _ := change.ParseFilter(t.ConditionDescription)
	var run changeRun
	var evidence, messages []string
	var read, filtered int // pages read, and pages whose change the filter ignored
	for _, u := range t.URLs {
		prev, err := r.cfg.Snapshots.PageSnapshot(ctx, t.UserID, t.ID, u)
		first := errors.Is(err, store.ErrNotFound)
		if err != nil && !first {
			return changeRun{}, &agent.Error{Category: task.CategoryNetwork, Retryable: true,
				Message: "the page's last text could not be read", Err: err}
		}
		req := page.Request{URL: u}
		if !first {
			req.ETag, req.LastModified = prev.ETag, prev.LastModified
		}
		began := r.now()
		p, err := r.cfg.Pages.Read(ctx, req)
		run.steps = append(run.steps, page.Step(req, p, err, began))
		switch {
		case err != nil:
			evidence = append(evidence, fmt.Sprintf("Could not read %s: %s.", u, strings.TrimSuffix(page.Reason(err), ".")))
			continue
		case p.NotModified:
			read++
			evidence = append(evidence, fmt.Sprintf("No change on %s.", u))
			continue
		}
		read++
		snap := store.Snapshot{URL: u, Text: change.Normalize(p.Text), ETag: p.ETag, LastModified: p.LastModified}
		run.keep = append(run.keep, snap)
		if first {
			evidence = append(evidence, fmt.Sprintf("First read of %s: its text is kept as the baseline, and changes from now on will notify.", u))
			continue
		}
		d := change.Compare(prev.Text, snap.Text)
		switch {
		case d.Empty():
			evidence = append(evidence, fmt.Sprintf("No change on %s.", u))
		case !filter.Counts(d):
			filtered++
			evidence = append(evidence, fmt.Sprintf("%s changed, but no changed line matches the filter %q.", u, t.ConditionDescription))
		default:
			msg := d.Message(0, 0)
			evidence = append(evidence, fmt.Sprintf("%s changed: %s", u, msg))
			messages = append(messages, fmt.Sprintf("%s changed: %s", u, msg))
			src := p.Source()
			run.result.Sources = append(run.result.Sources, task.Source{URL: src.URL, Title: src.Title})
		}
	}
	run.result.Evidence = strings.Join(evidence, "\n")
	run.result.Confidence = 100
	switch {
	case len(messages) > 0:
		n := outbox.Clip(strings.Join(messages, "\n\n"), maxChangeMessage)
		run.result.Notification = &n
	case filtered > 0:
		run.silence = task.SilenceFiltered
	case read == 0:
		run.silence = task.SilencePageFailed
	default:
		run.silence = task.SilenceUnchanged // a baseline read too: nothing changed yet
	}
	return run, nil
}
