package store

import (
	"context"
	"fmt"
	"sync"
)

// maxGroup bounds how many callers share one commit.
const maxGroup = 64

// group commits SQLite transactions. SQLite has one writer, so callers
// queue for it anyway; rather than commit each call on its own, the first
// caller in the queue leads: it runs every call waiting at that moment in
// one transaction, each inside its own savepoint, and commits once. A call
// that fails is rolled back to its savepoint alone, so what one caller
// writes never depends on another's error; a failed commit fails them all,
// and nothing of theirs is kept. Then leadership passes to the next caller
// waiting, so no caller works for others longer than one batch.
type group struct {
	s       *Store
	mu      sync.Mutex
	queue   []*call
	leading bool
}

type call struct {
	ctx   context.Context
	fn    func(*Tx) error
	err   error
	panic any
	lead  bool
	wake  chan struct{}
	after []func()
}

func (g *group) do(ctx context.Context, fn func(*Tx) error) error {
	c := &call{ctx: ctx, fn: fn, wake: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if g.leading {
		g.mu.Unlock()
		<-c.wake
	} else {
		g.leading = true
		g.mu.Unlock()
		c.lead = true
	}
	if c.lead {
		g.lead()
	}
	if c.panic != nil {
		panic(c.panic)
	}
	if c.err == nil {
		for _, f := range c.after {
			f()
		}
	}
	return c.err
}

// lead runs one batch, which holds the leader's own call, then hands the
// lead to the first caller still waiting.
func (g *group) lead() {
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()

	g.run(batch)

	g.mu.Lock()
	for _, c := range batch {
		if !c.lead {
			close(c.wake)
		}
	}
	if len(g.queue) > 0 {
		next := g.queue[0]
		next.lead = true
		close(next.wake)
	} else {
		g.leading = false
	}
	g.mu.Unlock()
}

// run executes a batch in one transaction and sets each call's outcome.
func (g *group) run(batch []*call) {
	fail := func(err error) {
		for _, c := range batch {
			if c.err == nil && c.panic == nil {
				c.err = err
			}
		}
	}
	// The transaction outlives any one caller's context: cancelling it
	// would roll back the others' work.
	sqlTx, err := g.s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		fail(err)
		return
	}
	single := len(batch) == 1
	for _, c := range batch {
		t := &Tx{q: q{db: sqlTx, sqlite: true, stmts: g.s.writerStmts, tx: sqlTx}}
		if !single {
			if _, err := t.exec(c.ctx, `SAVEPOINT call`); err != nil {
				sqlTx.Rollback()
				fail(err)
				return
			}
		}
		c.panic, c.err = protect(c.fn, t)
		if c.err == nil && c.ctx.Err() != nil {
			c.err = c.ctx.Err() // the caller has gone; keep nothing of theirs
		}
		failed := c.err != nil || c.panic != nil
		if !failed {
			c.after = t.after
		}
		if single {
			break
		}
		if failed {
			if _, err := t.exec(c.ctx, `ROLLBACK TO call`); err != nil {
				sqlTx.Rollback()
				fail(fmt.Errorf("rolling back a failed call: %w", err))
				return
			}
		}
		if _, err := t.exec(c.ctx, `RELEASE call`); err != nil {
			sqlTx.Rollback()
			fail(err)
			return
		}
	}
	if single && (batch[0].err != nil || batch[0].panic != nil) {
		sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		for _, c := range batch {
			c.after = nil
		}
		fail(err)
	}
}

// protect runs fn, turning a panic into a value re-raised in its caller.
func protect(fn func(*Tx) error, t *Tx) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, fn(t)
}
