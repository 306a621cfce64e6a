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

// maxCachedAccounts bounds the cache, and the generations kept per user and
// session; past it, the cache starts again empty.
const maxCachedAccounts = 20_000

// accounts remembers, for a short while, the viewer a session stood for when
// its account was last read, so that a phone's burst of requests costs one
// account lookup instead of one each (the lookup was a fifth of a village
// page's statements).
//
// What it may cost is bounded: a session revoked, a user disabled or moved
// to another role or scope is refused or seen anew
//   - on this replica at the next request: every change to a user or a
//     session written through ent forgets what was read of that user or
//     session (of every one, for a change to many at once), when it is
//     written and again when its transaction commits;
//   - on other replicas, and after a change written as raw SQL (applying a
//     reorganisation moves accounts that way), within the TTL.
//
// Viewers that change through other tables are not kept: a CITIZEN's
// household is their learning unit's parent, and a user holding a temporary
// password is about to change it. No request is ever answered for a
// session this replica has not read, nor with a reading older than the TTL.
type accounts struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	byID map[accountKey]cachedAccount
	// The generations count what was forgotten: a reading begun before
	// its user, its session or everything was forgotten is not kept, as a
	// change may have committed in between.
	gen     uint64
	userGen map[int]uint64
	sessGen map[int]uint64
}

type accountKey struct{ user, session int }

type cachedAccount struct {
	v    viewer.Viewer
	read time.Time
	// gen is the generation it was kept under: once its user, its session
	// or everything is forgotten, it no longer matches and is not used.
	gen generation
}

// generation is what a reading must still find to be kept.
type generation struct{ all, user, session uint64 }

func newAccounts(ttl time.Duration, now func() time.Time) *accounts {
	a := &accounts{ttl: ttl, now: now}
	a.reset()
	return a
}

func (a *accounts) reset() {
	a.byID = map[accountKey]cachedAccount{}
	a.userGen = map[int]uint64{}
	a.sessGen = map[int]uint64{}
}

func (a *accounts) generation(k accountKey) generation {
	return generation{a.gen, a.userGen[k.user], a.sessGen[k.session]}
}

// get returns a copy of the viewer last read for the session if that reading
// is younger than the TTL, and the generation to keep a new reading under.
func (a *accounts) get(k accountKey) (*viewer.Viewer, generation) {
	if a.ttl <= 0 {
		return nil, generation{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	gen := a.generation(k)
	c, ok := a.byID[k]
	if ok && c.gen == gen && a.now().Sub(c.read) < a.ttl {
		v := c.v
		return &v, gen
	}
	if ok {
		delete(a.byID, k)
	}
	return nil, gen
}

// put keeps a reading made at read, unless what it read was forgotten since
// it began (gen).
func (a *accounts) put(k accountKey, v *viewer.Viewer, gen generation, read time.Time) {
	if a.ttl <= 0 || !cacheable(v) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.generation(k) {
		return
	}
	if len(a.byID) >= maxCachedAccounts {
		a.forgetAllLocked()
	}
	a.byID[k] = cachedAccount{v: *v, read: read, gen: gen}
}

// cacheable: the viewers whose every part comes from the user and session
// rows the hooks watch.
func cacheable(v *viewer.Viewer) bool {
	return v.Role != viewer.RoleCitizen && !v.MustChangePassword
}

// forgetAll forgets every reading.
func (a *accounts) forgetAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forgetAllLocked()
}

func (a *accounts) forgetAllLocked() {
	a.gen++
	a.reset()
}

// forget forgets what was read of a user (session 0: none) or a session
// (user 0: none): its readings no longer match their generation, so none
// needs looking for.
func (a *accounts) forget(user, session int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.userGen)+len(a.sessGen) >= maxCachedAccounts {
		a.forgetAllLocked()
		return
	}
	if user != 0 {
		a.userGen[user]++
	}
	if session != 0 {
		a.sessGen[session]++
	}
}

// forgetFor returns what a mutation makes the cache forget: the user or
// session it changes, everything for a change to many, nothing for a new
// row (no one has read it yet).
func (a *accounts) forgetFor(m ent.Mutation) func() {
	if m.Op().Is(ent.OpCreate) {
		return func() {}
	}
	if m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne) {
		switch m := m.(type) {
		case *ent.UserMutation:
			if id, ok := m.ID(); ok {
				return func() { a.forget(id, 0) }
			}
		case *ent.SessionMutation:
			if id, ok := m.ID(); ok {
				return func() { a.forget(0, id) }
			}
		}
	}
	return a.forgetAll
}

// forgetOnChange has the cache forget what a write to users or sessions
// through client (or a transaction of it) changes: at once, and again when
// the transaction commits, so a reading made between the write and the
// commit is not kept either.
func (a *accounts) forgetOnChange(client *ent.Client) {
	hook := func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			forget := a.forgetFor(m)
			v, err := next.Mutate(ctx, m)
			forget()
			if tx, ok := inTx(m); ok {
				afterCommit(tx, forget)
			}
			return v, err
		})
	}
	client.User.Use(hook)
	client.Session.Use(hook)
}

// afterCommit runs f once tx has committed (or failed to).
func afterCommit(tx *ent.Tx, f func()) {
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			f()
			return err
		})
	})
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

// ForgetAccounts has this replica read every session's account again at its
// next request: after a change to accounts written as raw SQL (applying a
// reorganisation).
func (s *Service) ForgetAccounts() { s.accounts.forgetAll() }

// ForgetAccountsOnCommit is ForgetAccounts once tx commits.
func (s *Service) ForgetAccountsOnCommit(tx *ent.Tx) { afterCommit(tx, s.accounts.forgetAll) }
