// Package lane shares a process's workers fairly between tenants: work is queued per tenant,
// tenants take turns (round robin) for each free worker, and one tenant, or one of its
// destinations, can hold only a bounded number of workers at once. It exists so that one user's
// slow receivers or burst of runs cannot make every other user wait behind them.
package lane

import (
	"context"
	"sync"
)

// Options bound a Pool. Zero values take the defaults.
type Options struct {
	// Workers is how many jobs run at once in the whole pool (default 32).
	Workers int
	// PerTenant is how many jobs of one tenant run at once (default 4). Jobs with no tenant
	// ("") are bounded by Workers alone.
	PerTenant int
	// PerKey is how many jobs of one tenant's key (a destination) run at once (default 2).
	PerKey int
	// Backlog is how many jobs of one tenant, queued or running, make it Saturated (default
	// 4×PerTenant): enough queued work to keep its share busy, bounded so none waits long.
	Backlog int
	// KeyLimit, when set, overrides PerKey for the keys it answers a positive number for.
	KeyLimit func(key string) int
}

type job struct {
	tenant, key string
	fn          func()
}

type tenant struct {
	queue  []job
	active int
	keys   map[string]int // running jobs per key
}

// Pool runs jobs fairly across tenants. It is safe for concurrent use.
type Pool struct {
	opts    Options
	mu      sync.Mutex
	active  int
	tenants map[string]*tenant
	order   []string // tenants with queued jobs, in turn order
	next    int      // index in order of the tenant whose turn comes next
	changed chan struct{}
	wg      sync.WaitGroup
	closed  bool
}

// New returns an empty pool.
func New(opts Options) *Pool {
	if opts.Workers <= 0 {
		opts.Workers = 32
	}
	if opts.PerTenant <= 0 {
		opts.PerTenant = 4
	}
	if opts.PerKey <= 0 {
		opts.PerKey = 2
	}
	if opts.Backlog <= 0 {
		opts.Backlog = 4 * opts.PerTenant
	}
	return &Pool{opts: opts, tenants: map[string]*tenant{}, changed: make(chan struct{})}
}

// Go queues fn as tenant's work towards key and returns at once; it reports false (and drops
// fn) once the pool is closed.
func (p *Pool) Go(tenantID, key string, fn func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	t := p.tenants[tenantID]
	if t == nil {
		t = &tenant{keys: map[string]int{}}
		p.tenants[tenantID] = t
	}
	if len(t.queue) == 0 {
		p.order = append(p.order, tenantID)
	}
	t.queue = append(t.queue, job{tenant: tenantID, key: key, fn: fn})
	p.dispatch()
	return true
}

// Do runs fn as tenant's work towards key and waits for it. It returns ctx's error, without
// running fn, when ctx ends before fn's turn comes; false from Go becomes context.Canceled.
func (p *Pool) Do(ctx context.Context, tenantID, key string, fn func()) error {
	done := make(chan struct{})
	var err error
	queued := p.Go(tenantID, key, func() {
		defer close(done)
		if err = ctx.Err(); err == nil {
			fn()
		}
	})
	if !queued {
		return context.Canceled
	}
	<-done
	return err
}

// Load is how many jobs of tenant are queued or running.
func (p *Pool) Load(tenantID string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := p.tenants[tenantID]; t != nil {
		return t.active + len(t.queue)
	}
	return 0
}

// Saturated lists the tenants holding at least Backlog jobs (queued or running): new work of
// theirs would only wait here, so callers leave it where it is (in the database) for later.
func (p *Pool) Saturated() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for id, t := range p.tenants {
		if id != "" && t.active+len(t.queue) >= p.opts.Backlog {
			out = append(out, id)
		}
	}
	return out
}

// Changed returns a channel closed at the next job's end, so a caller can wait for capacity.
func (p *Pool) Changed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.changed
}

// Close drops the queued jobs and refuses new ones; running jobs go on (Wait for them).
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for id, t := range p.tenants {
		t.queue = nil
		if t.active == 0 {
			delete(p.tenants, id)
		}
	}
	p.order, p.next = nil, 0
}

// Wait waits for the running jobs to end.
func (p *Pool) Wait() { p.wg.Wait() }
