package changes

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/change"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/viewer"
)

// Page sizes of the feed: a page is one round trip of a phone on a slow
// line, and its objects are loaded a type at a time, so a page costs the
// same few statements whatever its size.
const (
	DefaultFirst = 100
	MaxFirst     = 500
)

// Reason says why a tombstone was sent.
type Reason string

// The reasons of a tombstone.
const (
	Archived  Reason = "ARCHIVED"
	Deleted   Reason = "DELETED"
	LeftScope Reason = "LEFT_SCOPE"
)

// Tombstone tells an app to drop an object it may hold.
type Tombstone struct {
	ID int
	// Typename is the object's GraphQL type, e.g. LearningUnit.
	Typename string
	Reason   Reason
}

// Item is one entry of a page: an object created or changed, as it is
// now, or a tombstone.
type Item struct {
	Node      ent.Noder
	Tombstone *Tombstone
}

// Page is one answer of the feed.
type Page struct {
	Changes []Item
	// Cursor resumes after this page.
	Cursor string
	// HasMore: ask again with Cursor at once, more is waiting.
	HasMore bool
	// Reset: a full sync starts with this page; drop everything held.
	Reset bool
}

// Feed reads the changes log of one database.
type Feed struct {
	Client  *ent.Client
	Dialect string
}

// Errors of the feed.
var (
	MsgCursorExpired = i18n.Message{
		VI: "Con trỏ đồng bộ đã quá cũ; hãy đồng bộ lại từ đầu (since: null).",
		EN: "The sync cursor is too old to resume; sync again from scratch (since: null).",
	}
	msgBadCursor = i18n.Message{VI: "Con trỏ đồng bộ không hợp lệ.", EN: "Invalid sync cursor."}
	msgFirst     = i18n.Message{VI: "Mỗi trang từ 1 đến %d thay đổi.", EN: "A page holds 1 to %d changes."}
	msgCitizen   = i18n.Message{
		VI: "Nguồn thay đổi dành cho cán bộ; công dân xem hồ sơ của mình trực tiếp.",
		EN: "The changes feed serves staff accounts; citizens read their own record directly.",
	}
)

// pos is a position in the log: rows are read in (xid, id) order, and a
// position says every row at or before it was considered.
//
// Why (xid, id) and not id alone. On PostgreSQL ids come from a sequence
// when a row is inserted, not when its transaction commits: transaction A
// may take id 10, B id 11, and B commit first. A reader that handed out
// "after 11" would never see A's row. So the feed reads only rows of
// transactions older than the snapshot's xmin (every transaction that could
// still commit a row is younger: xid < pg_snapshot_xmin(pg_current_snapshot())
// means finished), and orders them by transaction, then id. Once a position
// (x, i) is handed out, every transaction with xid < x had finished when it
// was read, and its rows were all delivered before x's: a row that commits
// later always lands after every handed-out position. A long transaction
// (an import of a province) holds the feed back until it ends: late, never
// lost. On SQLite one writer at a time, AUTOINCREMENT ids and a reader that
// sees whole transactions make id order commit order: xid is 0 there and
// the position is the id.
type pos struct {
	Xid int64 `json:"x"`
	Seq int64 `json:"q"`
}

func (p pos) less(o pos) bool { return p.Xid < o.Xid || (p.Xid == o.Xid && p.Seq < o.Seq) }

// after keeps the log rows past p.
func (p pos) after() func(*sql.Selector) {
	return func(s *sql.Selector) {
		s.Where(sql.Or(sql.GT(s.C(change.FieldXid), p.Xid),
			sql.And(sql.EQ(s.C(change.FieldXid), p.Xid), sql.GT(s.C(change.FieldID), p.Seq))))
	}
}

// upTo keeps the log rows at or before p.
func (p pos) upTo() func(*sql.Selector) {
	return func(s *sql.Selector) {
		s.Where(sql.Or(sql.LT(s.C(change.FieldXid), p.Xid),
			sql.And(sql.EQ(s.C(change.FieldXid), p.Xid), sql.LTE(s.C(change.FieldID), p.Seq))))
	}
}

// cursor is what the opaque cursor holds.
type cursor struct {
	V int `json:"v"`
	// Scope fingerprints the viewer the cursor was made for: a cursor of
	// another account, role or scope starts a full sync again.
	Scope string `json:"s"`
	At    pos    `json:"at"`
	// Snap is where a first sync stands, until it has paged over the
	// whole scope; At is then where the log resumes.
	Snap *snap `json:"p,omitempty"`
}

// snap is a first sync's place: the synced kind and the last id delivered.
type snap struct {
	Kind  int `json:"k"`
	After int `json:"a"`
}

const cursorVersion = 1

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decode(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err == nil && c.V != cursorVersion {
		err = fmt.Errorf("cursor version %d", c.V)
	}
	return c, err
}

// fingerprint names a viewer's reach: the account, its role, its scope and
// the units the scope took over (a reorganisation that merges a commune into
// the viewer's makes the merged one's records theirs to read).
func fingerprint(v *viewer.Viewer) string {
	s := strconv.Itoa(v.UserID) + "|" + string(v.Role) + "|" + v.ScopePath
	for _, e := range v.Predecessors {
		s += "|" + string(e)
	}
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// Read answers one page of the feed for the viewer of ctx: since empty
// starts a first sync.
func (f Feed) Read(ctx context.Context, since string, first int) (*Page, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v == nil:
		return nil, apperr.New(apperr.Unauthenticated, apperr.MsgUnauthenticated)
	case v.Role == viewer.RoleCitizen:
		return nil, apperr.New(apperr.Forbidden, msgCitizen)
	case first < 1 || first > MaxFirst:
		return nil, apperr.Input("first", msgFirst, MaxFirst)
	}
	page := &Page{}
	var c cursor
	if since != "" {
		var err error
		if c, err = decode(since); err != nil {
			return nil, apperr.Input("since", msgBadCursor).Wrap(err)
		}
	}
	if since == "" || c.Scope != fingerprint(v) {
		// Everything the app holds may lie outside what this viewer reads
		// now: it drops it all, and the scope is paged again.
		h, err := f.horizon(ctx)
		if err != nil {
			return nil, err
		}
		c = cursor{V: cursorVersion, Scope: fingerprint(v), At: h, Snap: &snap{}}
		page.Reset = true
	}
	pruned, err := PrunedThrough(ctx, f.Client)
	if err != nil {
		return nil, err
	}
	if c.At.less(pruned) {
		return nil, apperr.New(apperr.CursorExpired, MsgCursorExpired)
	}
	if c.Snap != nil {
		err = f.snapshot(ctx, v, &c, first, page)
	} else {
		err = f.log(ctx, v, &c, first, page)
	}
	if err != nil {
		return nil, err
	}
	page.Cursor = c.encode()
	return page, nil
}

// horizon is the last position no transaction can still write below.
func (f Feed) horizon(ctx context.Context) (pos, error) {
	// SQLite: the last id handed out, from AUTOINCREMENT's own record, so
	// that a log pruned empty does not send the horizon back.
	q := `SELECT COALESCE(MAX(n), 0) FROM (SELECT MAX(id) AS n FROM changes UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'changes') AS t`
	if f.Dialect == dialect.Postgres {
		q = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`
	}
	rows, err := f.Client.QueryContext(ctx, q)
	if err != nil {
		return pos{}, fmt.Errorf("changes: horizon: %w", err)
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err = errors.Join(err, rows.Err()); err != nil {
		return pos{}, fmt.Errorf("changes: horizon: %w", err)
	}
	if f.Dialect == dialect.Postgres {
		// Every transaction below xmin has finished; xmin's may not have.
		return pos{Xid: n - 1, Seq: math.MaxInt64}, nil
	}
	return pos{Seq: n}, nil
}

// log reads the next page of the log.
func (f Feed) log(ctx context.Context, v *viewer.Viewer, c *cursor, first int, page *Page) error {
	h, err := f.horizon(ctx)
	if err != nil {
		return err
	}
	q := f.Client.Change.Query().
		Where(c.At.after(), h.upTo()).
		Order(ent.Asc(change.FieldXid), ent.Asc(change.FieldID)).
		Limit(first + 1)
	if p := logScope(v); p != nil {
		q.Where(p)
	}
	rows, err := q.All(system(ctx))
	if err != nil {
		return fmt.Errorf("changes: read the log: %w", err)
	}
	if len(rows) > first {
		rows, page.HasMore = rows[:first], true
	}
	if err := f.deliver(ctx, v, rows, page); err != nil {
		return err
	}
	switch {
	case page.HasMore:
		last := rows[len(rows)-1]
		c.At = pos{Xid: last.Xid, Seq: int64(last.ID)}
	case c.At.less(h):
		// Every row up to the horizon was read (those of other scopes
		// too): the next read starts there, not at the last row shown.
		c.At = h
	}
	return nil
}

// logScope narrows the log to the rows that may concern the viewer: in or
// above their scope (or a unit it took over), now or before the change.
// deliver decides each row exactly.
func logScope(v *viewer.Viewer) func(*sql.Selector) {
	if v.Role == viewer.RoleAdmin {
		return nil
	}
	paths := []string{v.ScopePath}
	for _, e := range v.Predecessors {
		p, _ := e.Path()
		paths = append(paths, p)
	}
	return func(s *sql.Selector) {
		var ps []*sql.Predicate
		for _, col := range []string{change.FieldPath, change.FieldLeftPath} {
			c := s.C(col)
			ps = append(ps, search.InLineage(c, paths...))
			for _, p := range paths {
				ps = append(ps, search.Prefix(c, p))
			}
		}
		s.Where(sql.Or(ps...))
	}
}

// sees reports whether the viewer reads an object of the type at path,
// by the rules of internal/rule: learning units in the scope as it stands,
// records also in the units it took over, and the admin units, campaigns
// and decisions above it.
func sees(v *viewer.Viewer, typ, path string) bool {
	if path == "" {
		return false
	}
	switch typ {
	case ent.TypeLearningUnit:
		return v.Reaches(path)
	case ent.TypeAdminUnit, ent.TypeCampaign, ent.TypeDecision:
		if v.ReachesPast(path) || strings.HasPrefix(v.ScopePath, path) {
			return true
		}
		for _, e := range v.Predecessors {
			if p, _ := e.Path(); strings.HasPrefix(p, path) {
				return true
			}
		}
		return false
	}
	return v.ReachesPast(path)
}

// deliver turns log rows into the page's items: the objects as they are now,
// loaded a type at a time through their privacy policies, and tombstones.
func (f Feed) deliver(ctx context.Context, v *viewer.Viewer, rows []*ent.Change, page *Page) error {
	type want struct {
		typ string
		id  int
	}
	var order []any // want or *Tombstone
	ids := map[string][]int{}
	for _, r := range rows {
		switch {
		case sees(v, r.ObjectType, r.Path):
			switch r.Op {
			case change.OpARCHIVE:
				order = append(order, &Tombstone{ID: r.ObjectID, Typename: r.ObjectType, Reason: Archived})
			case change.OpDELETE:
				order = append(order, &Tombstone{ID: r.ObjectID, Typename: r.ObjectType, Reason: Deleted})
			default:
				order = append(order, want{r.ObjectType, r.ObjectID})
				ids[r.ObjectType] = append(ids[r.ObjectType], r.ObjectID)
			}
		case r.LeftPath != "" && sees(v, r.ObjectType, r.LeftPath):
			order = append(order, &Tombstone{ID: r.ObjectID, Typename: r.ObjectType, Reason: LeftScope})
		}
	}
	nodes := map[int]ent.Noder{}
	for typ, list := range ids {
		got, err := f.load(ctx, typ, list)
		if err != nil {
			return err
		}
		for _, n := range got {
			nodes[idOf(n)] = n
		}
	}
	for _, o := range order {
		switch o := o.(type) {
		case *Tombstone:
			page.Changes = append(page.Changes, Item{Tombstone: o})
		case want:
			// An object the viewer no longer reads left, or went, in a
			// later row: its tombstone follows.
			if n, ok := nodes[o.id]; ok {
				page.Changes = append(page.Changes, Item{Node: n})
			}
		}
	}
	return nil
}

// load reads objects of one type by id, as the viewer of ctx reads them.
func (f Feed) load(ctx context.Context, typ string, ids []int) ([]ent.Noder, error) {
	c := f.Client
	var out []ent.Noder
	var err error
	switch typ {
	case ent.TypeAdminUnit:
		out, err = nodes(c.AdminUnit.Query().Where(adminunit.IDIn(ids...)).All(ctx))
	case ent.TypeLearningUnit:
		out, err = nodes(c.LearningUnit.Query().Where(learningunit.IDIn(ids...)).All(ctx))
	case ent.TypeCampaign:
		out, err = nodes(c.Campaign.Query().Where(campaign.IDIn(ids...)).All(ctx))
	case ent.TypeDecision:
		out, err = nodes(c.Decision.Query().Where(decision.IDIn(ids...)).All(ctx))
	case ent.TypeRegistration:
		out, err = nodes(c.Registration.Query().Where(registration.IDIn(ids...)).All(ctx))
	case ent.TypeEvaluation:
		out, err = nodes(c.Evaluation.Query().Where(evaluation.IDIn(ids...)).All(ctx))
	default:
		return nil, fmt.Errorf("changes: %s is not synced", typ)
	}
	if err != nil {
		return nil, fmt.Errorf("changes: load %s: %w", typ, err)
	}
	return out, nil
}

// nodes turns a typed result into nodes.
func nodes[T ent.Noder](list []T, err error) ([]ent.Noder, error) {
	out := make([]ent.Noder, len(list))
	for i, n := range list {
		out[i] = n
	}
	return out, err
}

// kinds are the types a first sync pages over, in order: the tree and the
// campaigns first, so the units and records that refer to them arrive
// after them.
var kinds = []string{ent.TypeAdminUnit, ent.TypeCampaign, ent.TypeDecision, ent.TypeLearningUnit, ent.TypeRegistration, ent.TypeEvaluation}

// snapshot pages over the viewer's current scope, a type at a time in id
// order: one statement per type the page touches. The log's position was
// taken before the first page, so what changes while the app pages is
// delivered by the log afterwards (perhaps twice, never missed).
func (f Feed) snapshot(ctx context.Context, v *viewer.Viewer, c *cursor, first int, page *Page) error {
	s := c.Snap
	for s.Kind < len(kinds) && len(page.Changes) < first {
		left := first - len(page.Changes)
		got, err := f.current(ctx, kinds[s.Kind], s.After, left+1)
		if err != nil {
			return err
		}
		if len(got) > left {
			got = got[:left]
			for _, n := range got {
				page.Changes = append(page.Changes, Item{Node: n})
			}
			s.After = idOf(got[len(got)-1])
			page.HasMore = true
			return nil
		}
		for _, n := range got {
			page.Changes = append(page.Changes, Item{Node: n})
		}
		s.Kind, s.After = s.Kind+1, 0
	}
	if s.Kind >= len(kinds) {
		// The scope is delivered; the log follows from the position taken
		// before it.
		c.Snap = nil
	}
	page.HasMore = true
	return nil
}

// current reads the next objects of a type in the viewer's scope, through
// their privacy policies: open admin units, learning units not archived.
func (f Feed) current(ctx context.Context, typ string, after, n int) ([]ent.Noder, error) {
	c := f.Client
	var out []ent.Noder
	var err error
	switch typ {
	case ent.TypeAdminUnit:
		out, err = nodes(c.AdminUnit.Query().Where(adminunit.IDGT(after), adminunit.ValidToIsNil()).
			Order(ent.Asc(adminunit.FieldID)).Limit(n).All(ctx))
	case ent.TypeCampaign:
		out, err = nodes(c.Campaign.Query().Where(campaign.IDGT(after)).Order(ent.Asc(campaign.FieldID)).Limit(n).All(ctx))
	case ent.TypeDecision:
		out, err = nodes(c.Decision.Query().Where(decision.IDGT(after)).Order(ent.Asc(decision.FieldID)).Limit(n).All(ctx))
	case ent.TypeLearningUnit:
		out, err = nodes(c.LearningUnit.Query().Where(learningunit.IDGT(after), learningunit.ArchivedAtIsNil()).
			Order(ent.Asc(learningunit.FieldID)).Limit(n).All(ctx))
	case ent.TypeRegistration:
		out, err = nodes(c.Registration.Query().Where(registration.IDGT(after)).Order(ent.Asc(registration.FieldID)).Limit(n).All(ctx))
	case ent.TypeEvaluation:
		out, err = nodes(c.Evaluation.Query().Where(evaluation.IDGT(after)).Order(ent.Asc(evaluation.FieldID)).Limit(n).All(ctx))
	}
	if err != nil {
		return nil, fmt.Errorf("changes: first sync of %s: %w", typ, err)
	}
	return out, nil
}

// idOf is the id of a synced object.
func idOf(n ent.Noder) int {
	switch o := n.(type) {
	case *ent.AdminUnit:
		return o.ID
	case *ent.LearningUnit:
		return o.ID
	case *ent.Campaign:
		return o.ID
	case *ent.Decision:
		return o.ID
	case *ent.Registration:
		return o.ID
	case *ent.Evaluation:
		return o.ID
	}
	return 0
}
