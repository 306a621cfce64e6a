package auth

import (
	"context"
	"sync"
	"time"

	"hoctap/ent"
	"hoctap/internal/viewer"
)

// DefaultAccountCacheTTL is how long a replica trusts what it last read of
// a session's account (see accounts).
const DefaultAccountCacheTTL = 2 * time.Second

// maxCachedAccounts bounds the cache; past it, it starts again empty.
const maxCachedAccounts = 20_000

// accounts remembers, for a short while, the viewer a session stood for when
// its account was last read, so that a phone's burst of requests costs one
// account lookup instead of one each (the lookup was a fifth of a village
// page's statements).
//
// What it may cost is bounded: a session revoked, a user disabled or moved
// to another role or scope is refused or seen anew
//   - on this replica at the next request: every change to users or sessions
//     written through ent empties the cache when its transaction commits;
//   - on other replicas, and after a change written as raw SQL (applying a
//     reorganisation moves accounts that way), within the TTL.
//
// No request is ever answered for a session this replica has not read, nor
// with a reading older than the TTL.
type accounts struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	// gen counts the purges: a reading begun before one is not kept.
	gen  uint64
	byID map[accountKey]cachedAccount
}

type accountKey struct{ user, session int }

type cachedAccount struct {
	v    viewer.Viewer
	read time.Time
}

func newAccounts(ttl time.Duration, now func() time.Time) *accounts {
	return &accounts{ttl: ttl, now: now, byID: map[accountKey]cachedAccount{}}
}

// get returns a copy of the viewer last read for the session if that reading
// is younger than the TTL, and the generation to store a new reading under.
func (a *accounts) get(k accountKey) (*viewer.Viewer, uint64) {
	if a.ttl <= 0 {
		return nil, 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.byID[k]
	if ok && a.now().Sub(c.read) < a.ttl {
		v := c.v
		return &v, a.gen
	}
	if ok {
		delete(a.byID, k)
	}
	return nil, a.gen
}

// put keeps a reading made at read, unless the cache was purged since the
// reading began (gen): a change may have committed in between.
func (a *accounts) put(k accountKey, v *viewer.Viewer, gen uint64, read time.Time) {
	if a.ttl <= 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	if len(a.byID) >= maxCachedAccounts {
		clear(a.byID)
	}
	a.byID[k] = cachedAccount{v: *v, read: read}
}

// purge forgets every reading.
func (a *accounts) purge() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	clear(a.byID)
}

// purgeOnChange empties the cache whenever a user or a session is written
// through client (or a transaction of it): at once, and again when the
// transaction commits, so a reading made between the write and the commit
// is not kept either.
func (a *accounts) purgeOnChange(client *ent.Client) {
	hook := func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			a.purge()
			if tx, ok := inTx(m); ok {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						err := next.Commit(ctx, tx)
						a.purge()
						return err
					})
				})
			}
			return v, err
		})
	}
	client.User.Use(hook)
	client.Session.Use(hook)
}

// inTx returns the transaction a mutation runs in, if any.
func inTx(m ent.Mutation) (*ent.Tx, bool) {
	txm, ok := m.(interface{ Tx() (*ent.Tx, error) })
	if !ok {
		return nil, false
	}
	tx, err := txm.Tx()
	return tx, err == nil
}
