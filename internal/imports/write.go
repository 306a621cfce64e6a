package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/change"
	"hoctap/ent/learningunit"
	"hoctap/ent/searchkey"
	"hoctap/internal/audit"
	"hoctap/internal/bulk"
	"hoctap/internal/changes"
	"hoctap/internal/progress"
	"hoctap/internal/search"
	"hoctap/internal/textnorm"
)

// lockKey names the PostgreSQL advisory lock that queues imports, so two
// imports of one list at once do not both create its units: an arbitrary
// constant of hoctap's ("hoc tap" in ASCII).
const lockKey = 0x686f63746170

// Apply reads the file from r as Check does, deciding each row anew
// inside the transaction, and writes it there (the transaction of ctx, or
// one of its own): every row, or none when a row is refused and
// opts.SkipRefused is not set; then it recounts the progress of the
// campaigns not closed where it wrote, and audits the import with the
// file's SHA-256 and counts. A refused file is BAD_USER_INPUT on "file"
// naming the first problem's sheet, row and column, with the report so
// far. dial is the database's (store.DB.Dialect): the learning units are
// written by SQL of their own (internal/bulk), bypassing ent's hooks, so
// the import derives what the hooks would (sort keys, search keys, paths,
// counters).
//
// The accounts it creates are in the report with their temporary
// passwords (Report.Accounts), which nothing else keeps. Hashing them is
// most of the time of a list of accounts: ~26 ms an account on two cores
// (BenchmarkAccounts), so a list of a thousand takes near the API's
// default request deadline.
func Apply(ctx context.Context, c *ent.Client, dial string, r io.Reader, opts Options) (*Report, error) {
	e, err := newEngine(ctx, c, opts)
	if err != nil {
		return nil, err
	}
	if tx := ent.TxFromContext(ctx); tx != nil {
		rep, err := e.apply(tx, dial, r)
		if err != nil {
			forget(rep)
		}
		return rep, err
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return nil, wrap("begin", err)
	}
	e.ctx = ent.NewTxContext(ctx, tx)
	rep, err := e.apply(tx, dial, r)
	if err != nil {
		forget(rep)
		if rerr := tx.Rollback(); rerr != nil {
			return rep, fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return rep, err
	}
	if err := tx.Commit(); err != nil {
		forget(rep)
		return rep, wrap("commit", err)
	}
	return rep, nil
}

// forget drops the temporary passwords of a report whose accounts were
// not written after all.
func forget(rep *Report) {
	if rep != nil {
		rep.Accounts = nil
	}
}

func (e *engine) apply(tx *ent.Tx, dial string, r io.Reader) (*Report, error) {
	e.c = tx.Client()
	e.w = &writer{b: bulk.OnEnt(tx, dial), dialect: dial, now: time.Now().UTC(), paths: map[string]bool{}}
	if dial == dialect.Postgres {
		if err := e.w.b.Exec(e.ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
			return nil, wrap("lock", err)
		}
	}
	err := e.run(r)
	switch {
	case errors.Is(err, errRefused):
		return e.report, refusedError(e.refusal)
	case err != nil:
		return e.report, err
	case e.refusal != nil && (!e.opts.SkipRefused || len(e.report.Sheets) == 0):
		return e.report, refusedError(e.refusal)
	}
	if err := e.w.finish(e.ctx, e.c); err != nil {
		return e.report, err
	}
	if err := e.audit(); err != nil {
		return e.report, err
	}
	e.report.Applied = true
	return e.report, nil
}

// audit records the import: the file's name and digest, its kinds, counts
// and skipped rows.
func (e *engine) audit() error {
	var kindIDs []string
	for _, s := range e.report.Sheets {
		kindIDs = append(kindIDs, s.Kind)
	}
	t := e.report.Totals
	details := map[string]any{
		"file": e.report.FileName, "sha256": e.report.SHA256, "format": string(e.report.Format), "kinds": kindIDs,
		"counts":      map[string]int{"create": t.Create, "update": t.Update, "unchanged": t.Unchanged, "refused": t.Refused},
		"skipRefused": e.opts.SkipRefused,
	}
	// The accounts by name, never their passwords.
	if a := e.audited; len(a.created)+len(a.updated) > 0 {
		details["accounts"] = map[string][]string{"created": a.created, "updated": a.updated}
	}
	return audit.Record(e.ctx, e.c, audit.Entry{Action: "import.apply", TargetType: "Import", ScopePath: e.scopePath, Details: details})
}

// writer writes the rows of an Apply, a chunk at a time.
type writer struct {
	b       *bulk.Ent
	dialect string
	now     time.Time
	// ids are learning-unit ids reserved and not yet given.
	ids []int
	// updates says the table of updated rows exists.
	updates bool
	// paths are the places written to, for the campaigns to recount.
	paths map[string]bool
	wrote bool
}

// reserve makes sure n ids are at hand for the rows a chunk creates.
func (w *writer) reserve(ctx context.Context, n int) error {
	if len(w.ids) >= n {
		return nil
	}
	more, err := w.b.IDs(ctx, learningunit.Table, n-len(w.ids))
	if err != nil {
		return err
	}
	w.ids = append(w.ids, more...)
	return nil
}

func (w *writer) newID() int {
	id := w.ids[0]
	w.ids = w.ids[1:]
	return id
}

// unitColumns are the columns of a new learning unit.
var unitColumns = []string{
	learningunit.FieldID, learningunit.FieldCreatedAt, learningunit.FieldUpdatedAt, learningunit.FieldVersion,
	learningunit.FieldKind, learningunit.FieldSubtype, learningunit.FieldCode, learningunit.FieldName, learningunit.FieldNameKey,
	learningunit.FieldHeadName, learningunit.FieldAddress, learningunit.FieldPhone, learningunit.FieldBirthYear,
	learningunit.FieldMemberCount, learningunit.FieldAdultCount, learningunit.FieldAdminPath, learningunit.FieldAdminUnitID,
	learningunit.FieldParentID,
}

// updateColumns are the columns an import changes of a unit, kept in the
// table of updates (with the id first).
var updateColumns = []string{
	learningunit.FieldSubtype, learningunit.FieldCode, learningunit.FieldName, learningunit.FieldNameKey,
	learningunit.FieldHeadName, learningunit.FieldAddress, learningunit.FieldPhone, learningunit.FieldBirthYear,
	learningunit.FieldMemberCount, learningunit.FieldAdultCount,
}

// updatesTable is the temporary table of a chunk's updated rows.
const updatesTable = "import_updates"

// write writes the rows of a chunk that create or change a unit, with
// their search keys, in a few statements.
func (uk *unitKind) write(e *engine, chunk []item) error {
	w, ctx := e.w, e.ctx
	recs := items[*record](chunk)
	var creates, updates, keys, logged [][]any
	var rekeyed []int
	for _, r := range recs {
		if a := r.action(); a != actCreate && a != actUpdate {
			continue
		}
		v := r.final
		logged = append(logged, changes.Row{Type: ent.TypeLearningUnit, ID: r.id, Op: change.OpUPSERT, Path: r.place.path}.Values(w.now))
		if r.stored == nil {
			var parent any
			if r.parent != 0 {
				parent = r.parent
			}
			creates = append(creates, []any{r.id, w.now, w.now, 1, string(uk.kind), subtypeOf(v.subtype), nullable(v.code),
				v.name, textnorm.SortKey(v.name), nullable(v.head), nullable(v.address), nullable(v.phone), intOf(v.birthYear),
				v.members, v.adults, r.place.path, r.place.id, parent})
		} else {
			updates = append(updates, []any{r.id, subtypeOf(v.subtype), nullable(v.code), v.name, textnorm.SortKey(v.name),
				nullable(v.head), nullable(v.address), nullable(v.phone), intOf(v.birthYear), v.members, v.adults})
			if v.name == r.stored.name && v.head == r.stored.head {
				w.paths[r.place.path] = true
				continue
			}
			rekeyed = append(rekeyed, r.id)
		}
		for _, k := range textnorm.Keys(v.name, v.head) {
			keys = append(keys, []any{0, k, r.id, r.place.path})
		}
		w.paths[r.place.path] = true
	}
	if len(creates) > 0 {
		if err := w.b.Insert(ctx, learningunit.Table, unitColumns, creates); err != nil {
			return wrap("create units", err)
		}
	}
	if len(updates) > 0 {
		if err := w.update(ctx, updates); err != nil {
			return err
		}
	}
	// The changes feed's rows, in the transaction of the writes.
	if err := w.b.Insert(ctx, change.Table, changes.Columns, logged); err != nil {
		return wrap("log changes", err)
	}
	if len(rekeyed) > 0 {
		if err := w.b.Exec(ctx, `DELETE FROM "`+searchkey.Table+`" WHERE owner_id IN (`+intList(rekeyed)+`)`); err != nil {
			return wrap("replace search keys", err)
		}
	}
	if len(keys) > 0 {
		ids, err := w.b.IDs(ctx, searchkey.Table, len(keys))
		if err != nil {
			return err
		}
		for i := range keys {
			keys[i][0] = ids[i]
		}
		cols := []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}
		if err := w.b.Insert(ctx, searchkey.Table, cols, keys); err != nil {
			return wrap("search keys", err)
		}
	}
	w.wrote = w.wrote || len(creates)+len(updates) > 0
	return nil
}

// update writes changed rows through a temporary table of their new
// values, joined in one UPDATE, as internal/reorg moves units.
func (w *writer) update(ctx context.Context, rows [][]any) error {
	if !w.updates {
		create := `CREATE TEMP TABLE ` + updatesTable + ` (id BIGINT PRIMARY KEY, subtype TEXT, code TEXT, name TEXT, name_key TEXT,
			head_name TEXT, address TEXT, phone TEXT, birth_year BIGINT, member_count BIGINT, adult_count BIGINT)`
		if w.dialect == dialect.Postgres {
			create += ` ON COMMIT DROP`
		} else if err := w.b.Exec(ctx, `DROP TABLE IF EXISTS temp.`+updatesTable); err != nil {
			return wrap("table of updates", err)
		}
		if err := w.b.Exec(ctx, create); err != nil {
			return wrap("table of updates", err)
		}
		w.updates = true
	}
	if err := w.b.Insert(ctx, updatesTable, append([]string{"id"}, updateColumns...), rows); err != nil {
		return wrap("update units", err)
	}
	set := make([]string, len(updateColumns))
	for i, c := range updateColumns {
		set[i] = c + " = u." + c
	}
	q := `UPDATE "` + learningunit.Table + `" SET ` + strings.Join(set, ", ") + `, updated_at = $1, version = version + 1
		FROM ` + updatesTable + ` u WHERE "` + learningunit.Table + `".id = u.id`
	if err := w.b.Exec(ctx, q, w.now); err != nil {
		return wrap("update units", err)
	}
	if err := w.b.Exec(ctx, `DELETE FROM `+updatesTable); err != nil {
		return wrap("update units", err)
	}
	return nil
}

// finish recounts the progress of the campaigns not closed where the run
// wrote (bulk writes skip the counters' hook), and drops the table of
// updates.
func (w *writer) finish(ctx context.Context, c *ent.Client) error {
	if w.updates && w.dialect != dialect.Postgres {
		if err := w.b.Exec(ctx, `DROP TABLE temp.`+updatesTable); err != nil {
			return wrap("table of updates", err)
		}
	}
	if !w.wrote {
		return nil
	}
	paths := make([]string, 0, len(w.paths))
	for p := range w.paths {
		paths = append(paths, p)
	}
	sys := systemCtx(ctx)
	camps, err := c.Campaign.Query().
		Where(campaign.PhaseNEQ(campaign.PhaseCLOSED), func(s *entsql.Selector) {
			s.Where(search.InLineage(s.C(campaign.FieldScopePath), paths...))
		}).All(sys)
	if err != nil {
		return wrap("campaigns to recount", err)
	}
	for _, camp := range camps {
		if err := progress.Rebuild(sys, c, camp); err != nil {
			return wrap("recount campaign", err)
		}
	}
	return nil
}

// nullable stores an empty optional text as NULL, as ent does.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func intOf(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func subtypeOf(s *learningunit.Subtype) any {
	if s == nil {
		return nil
	}
	return string(*s)
}

// intList writes ids for an IN clause; they are ids read from the
// database, never input.
func intList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ",")
}
