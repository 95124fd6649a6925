package page

import (
	"context"
	"sync"
)

// Result is one request's outcome in ReadAll: the page, or why it could not be read.
type Result struct {
	Page Page
	Err  error
}

// ReadAll reads up to MaxPages pages at once, each within the per-page timeout and all within
// ctx's deadline (the run's), and returns one Result per request in the requests' order. One
// page failing does not fail the others; only asking for too many pages is an error.
func (r *Reader) ReadAll(ctx context.Context, reqs []Request) ([]Result, error) {
	if len(reqs) > MaxPages {
		return nil, errorf(ErrTooManyPages, "a run reads at most %d pages, not %d", MaxPages, len(reqs))
	}
	out := make([]Result, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			p, err := r.Read(ctx, req)
			out[i] = Result{Page: p, Err: err}
		})
	}
	wg.Wait()
	return out, nil
}
