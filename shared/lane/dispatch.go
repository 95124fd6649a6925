package lane

// dispatch starts queued jobs while workers are free, giving each tenant a turn in order; a
// tenant at its limit, or whose queued jobs all go to keys at theirs, is passed over. p.mu is
// held.
func (p *Pool) dispatch() {
	for p.active < p.opts.Workers && len(p.order) > 0 {
		started := false
		for range len(p.order) {
			if p.next >= len(p.order) {
				p.next = 0
			}
			id := p.order[p.next]
			t := p.tenants[id]
			i := p.startable(id, t)
			if i < 0 {
				p.next++
				continue
			}
			j := t.queue[i]
			t.queue = append(t.queue[:i], t.queue[i+1:]...)
			if len(t.queue) == 0 {
				p.order = append(p.order[:p.next], p.order[p.next+1:]...)
			} else {
				p.next++
			}
			p.start(t, j)
			started = true
			break
		}
		if !started {
			return
		}
	}
}

// startable is the index of t's first queued job that its limits let start, or -1.
func (p *Pool) startable(id string, t *tenant) int {
	if id != "" && t.active >= p.opts.PerTenant {
		return -1
	}
	for i, j := range t.queue {
		if id == "" || t.keys[j.key] < p.keyLimit(j.key) {
			return i
		}
	}
	return -1
}

func (p *Pool) start(t *tenant, j job) {
	p.active++
	t.active++
	t.keys[j.key]++
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer p.finish(j)
		j.fn()
	}()
}

// finish frees j's worker, starts what may now start and wakes the waiters of Changed.
func (p *Pool) finish(j job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
	t := p.tenants[j.tenant]
	t.active--
	if t.keys[j.key]--; t.keys[j.key] == 0 {
		delete(t.keys, j.key)
	}
	if t.active == 0 && len(t.queue) == 0 {
		delete(p.tenants, j.tenant)
	}
	close(p.changed)
	p.changed = make(chan struct{})
	p.dispatch()
}

func (p *Pool) keyLimit(key string) int {
	if p.opts.KeyLimit != nil {
		if n := p.opts.KeyLimit(key); n > 0 {
			return n
		}
	}
	return p.opts.PerKey
}
