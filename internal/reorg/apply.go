package reorg

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/reorganisation"
	"hoctap/ent/searchkey"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/bulk"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/textnorm"
	"hoctap/internal/viewer"
)

var msgProblems = i18n.Message{VI: "Chưa thể áp dụng quyết định: %s", EN: "The decision cannot be applied yet: %s"}

// Apply applies the planned reorganisation id in one transaction, as the
// plan of that moment says, and records it applied. Applying it again
// changes nothing and returns it as it is. A plan with problems changes
// nothing and fails with the first of them, named by its change and field.
func Apply(ctx context.Context, db *store.DB, id int) (*ent.Reorganisation, *Impact, error) {
	if err := Roles.May(ctx, "applyReorganisation"); err != nil {
		return nil, nil, err
	}
	tx, err := bulk.Begin(ctx, db.SQL, db.Dialect)
	if err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: %w", err)
	}
	r, im, err := apply(ctx, tx, db.Dialect, id)
	if err != nil {
		return nil, nil, errorsJoin(err, tx.Rollback())
	}
	if im == nil { // applied before
		return r, nil, tx.Rollback()
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: commit: %w", err)
	}
	return r, im, nil
}

func errorsJoin(err, rollback error) error {
	if rollback != nil {
		return fmt.Errorf("%w (rollback: %v)", err, rollback)
	}
	return err
}

func apply(ctx context.Context, tx *bulk.Tx, dial string, id int) (*ent.Reorganisation, *Impact, error) {
	c := tx.Client
	sctx := system(ctx)
	if dial == dialect.Postgres {
		// Nothing may land in a unit while it closes, and two applies
		// queue: both modes let readers through.
		if err := tx.Exec(ctx, `LOCK TABLE reorganisations, admin_units, learning_units, users, registrations, search_keys IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return nil, nil, err
		}
	}
	r, err := c.Reorganisation.Get(ctx, id)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Msg: apperr.MsgNotFound, Err: err}
		}
		return nil, nil, fmt.Errorf("apply reorganisation: %w", err)
	}
	if r.Status == reorganisation.StatusAPPLIED {
		return r, nil, nil
	}
	p, err := plan(sctx, c, r.Spec, r.EffectiveOn)
	if err != nil {
		return nil, nil, err
	}
	if len(p.impact.Problems) > 0 {
		return nil, nil, problemError(p.impact.Problems[0], i18n.VI)
	}
	now := time.Now().UTC()
	if err := insertUnits(ctx, tx, p, now); err != nil {
		return nil, nil, err
	}
	if err := p.fillIDs(); err != nil {
		return nil, nil, err
	}
	if err := moveRows(ctx, tx, dial, p, now); err != nil {
		return nil, nil, err
	}
	if err := p.chosenScopes(sctx, c); err != nil {
		return nil, nil, err
	}
	if err := p.renames(sctx, c); err != nil {
		return nil, nil, err
	}
	for _, camp := range p.impact.Campaigns {
		if err := progress.Rebuild(sctx, c, camp); err != nil {
			return nil, nil, fmt.Errorf("apply reorganisation: %w", err)
		}
	}
	b := c.Reorganisation.UpdateOneID(id).
		Where(reorganisation.StatusEQ(reorganisation.StatusPLANNED)).
		SetStatus(reorganisation.StatusAPPLIED).
		SetAppliedAt(now).
		SetOutcome(p.impact.Count())
	if v := viewer.FromContext(ctx); v != nil && v.UserID != 0 {
		b.SetAppliedByID(v.UserID)
	}
	r, err = b.Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: mark applied: %w", err)
	}
	moved := make([]map[string]any, len(p.impact.Users))
	for i, u := range p.impact.Users {
		moved[i] = map[string]any{"user": u.Username, "from": u.From.Code, "to": u.To.Code, "chosen": u.Chosen}
	}
	details := map[string]any{"number": r.Number, "effectiveOn": p.day.Format(time.DateOnly), "counts": p.impact.Count(), "users": moved}
	if err := audit.Record(ctx, c, audit.Entry{Action: "reorganisation.apply", TargetType: "Reorganisation", TargetID: id, ScopePath: "/", Details: details}); err != nil {
		return nil, nil, err
	}
	return r, p.impact, nil
}

// problemError is a plan's problem as the error of the API: the change and
// field at fault, and what is wrong.
func problemError(pr Problem, lang i18n.Lang) error {
	field := "changes"
	if pr.Change >= 0 {
		field = "changes." + strconv.Itoa(pr.Change)
		if pr.Field != "" {
			field += "." + pr.Field
		}
	} else if pr.Field != "" {
		field = pr.Field
	}
	return apperr.Input(field, msgProblems, pr.Text(lang))
}

// unitColumns are the columns of a new admin unit row.
var unitColumns = []string{
	adminunit.FieldID, adminunit.FieldCreatedAt, adminunit.FieldUpdatedAt, adminunit.FieldVersion,
	adminunit.FieldCode, adminunit.FieldName, adminunit.FieldNameKey, adminunit.FieldLevel, adminunit.FieldType,
	adminunit.FieldDisadvantaged, adminunit.FieldValidFrom, adminunit.FieldParentID, adminunit.FieldPath, adminunit.FieldDepth,
}

// insertUnits writes the plan's new rows, parents first, with their paths
// and search keys, in bulk.
func insertUnits(ctx context.Context, tx *bulk.Tx, p *planned, now time.Time) error {
	created := p.res.created
	if len(created) == 0 {
		return nil
	}
	first, err := tx.IDs(ctx, adminunit.Table, len(created))
	if err != nil {
		return err
	}
	rows := make([][]any, len(created))
	var keys [][]any
	for i, n := range created {
		n.id = first + i
		parentPath, parentDepth := n.parent.pathDepth()
		n.path = parentPath + strconv.Itoa(n.id) + "/"
		n.depth = parentDepth + 1
		rows[i] = []any{n.id, now, now, 1, n.code, n.name, textnorm.SortKey(n.name), string(n.level), n.typ,
			n.disadvantaged, p.day.UTC(), n.parent.rowID(), n.path, n.depth}
		for _, k := range textnorm.Keys(n.name) {
			keys = append(keys, []any{0, k, n.id, n.path})
		}
	}
	if err := tx.Insert(ctx, adminunit.Table, unitColumns, rows); err != nil {
		return err
	}
	kfirst, err := tx.IDs(ctx, searchkey.Table, len(keys))
	if err != nil {
		return err
	}
	for i := range keys {
		keys[i][0] = kfirst + i
	}
	return tx.Insert(ctx, searchkey.Table, []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}, keys)
}

// pathDepth is the path and depth of a unit, existing or made.
func (n *node) pathDepth() (string, int) {
	if n.unit != nil {
		return n.unit.Path, n.unit.Depth
	}
	return n.path, n.depth
}

// rowID is the id of a unit, existing or made.
func (n *node) rowID() int {
	if n.unit != nil {
		return n.unit.ID
	}
	return n.id
}

// fillIDs gives the impact's references to made units their new ids.
func (p *planned) fillIDs() error {
	byKey := map[string]int{}
	for _, n := range p.res.created {
		byKey[n.code+"\x00"+n.name+"\x00"+strconv.Itoa(n.parent.rowID())] = n.id
	}
	for i := range p.impact.Units {
		u := &p.impact.Units[i]
		if u.Unit.ID == 0 && u.Parent != nil {
			u.Unit.ID = byKey[u.Unit.Code+"\x00"+u.Unit.Name+"\x00"+strconv.Itoa(u.Parent.ID)]
		}
	}
	for i := range p.impact.Users {
		if n := p.scopeTo[p.impact.Users[i].UserID]; n != nil {
			p.impact.Users[i].To.ID = n.rowID()
		}
	}
	return nil
}

// moveRows closes the old rows and moves what sat in them to where it goes,
// in a few statements over a temporary table of the moves.
func moveRows(ctx context.Context, tx *bulk.Tx, dial string, p *planned, now time.Time) error {
	create := `CREATE TEMP TABLE reorg_moves (old_id BIGINT PRIMARY KEY, new_id BIGINT, new_path TEXT, merged_into BIGINT)`
	if dial == dialect.Postgres {
		create += ` ON COMMIT DROP`
	} else if err := tx.Exec(ctx, `DROP TABLE IF EXISTS temp.reorg_moves`); err != nil {
		return err
	}
	if err := tx.Exec(ctx, create); err != nil {
		return err
	}
	var rows [][]any
	for _, n := range p.res.nodes {
		if !n.closed && n.version == nil {
			continue
		}
		var newID, newPath, merged any
		if d := n.dest(); d != nil {
			newID, newPath = d.rowID(), d.pathOf()
		}
		switch {
		case n.version != nil:
			merged = n.version.id
		case n.mergedInto != nil:
			merged = n.mergedInto.final().rowID()
		}
		rows = append(rows, []any{n.unit.ID, newID, newPath, merged})
	}
	if err := tx.Insert(ctx, "reorg_moves", []string{"old_id", "new_id", "new_path", "merged_into"}, rows); err != nil {
		return err
	}
	last := p.lastDay.UTC()
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		{"close units", `UPDATE admin_units SET valid_to = $1, updated_at = $2, version = version + 1, merged_into_id = m.merged_into
			FROM reorg_moves m WHERE admin_units.id = m.old_id`, []any{last, now}},
		// Search keys first, found through their owners' old units.
		{"search keys of learning units", `UPDATE search_keys SET scope_path = m.new_path FROM learning_units lu, reorg_moves m
			WHERE search_keys.owner_id = lu.id AND lu.admin_unit_id = m.old_id AND m.new_id IS NOT NULL`, nil},
		{"learning units", `UPDATE learning_units SET admin_unit_id = m.new_id, admin_path = m.new_path, updated_at = $1, version = version + 1
			FROM reorg_moves m WHERE learning_units.admin_unit_id = m.old_id AND m.new_id IS NOT NULL`, []any{now}},
		{"search keys of accounts", `UPDATE search_keys SET scope_path = m.new_path FROM users u, reorg_moves m
			WHERE search_keys.owner_id = u.id AND u.scope_id = m.old_id AND m.new_id IS NOT NULL`, nil},
		{"accounts", `UPDATE users SET scope_id = m.new_id, scope_path = m.new_path, updated_at = $1, version = version + 1
			FROM reorg_moves m WHERE users.scope_id = m.old_id AND m.new_id IS NOT NULL`, []any{now}},
	}
	if ids := campaignIDs(p.impact.Campaigns); ids != "" {
		stmts = append(stmts, struct {
			what string
			sql  string
			args []any
		}{"registrations of open campaigns", `UPDATE registrations SET admin_unit_id = m.new_id, admin_path = m.new_path
			FROM reorg_moves m WHERE registrations.admin_unit_id = m.old_id AND m.new_id IS NOT NULL AND registrations.campaign_id IN (` + ids + `)`, nil})
	}
	for _, s := range stmts {
		q := s.sql
		if dial != dialect.Postgres {
			q = sqlitePlaceholders(q)
		}
		if err := tx.Exec(ctx, q, s.args...); err != nil {
			return fmt.Errorf("apply reorganisation: %s: %w", s.what, err)
		}
	}
	if dial != dialect.Postgres {
		return tx.Exec(ctx, `DROP TABLE temp.reorg_moves`)
	}
	return nil
}

// pathOf is the path of a unit, existing or made.
func (n *node) pathOf() string {
	p, _ := n.pathDepth()
	return p
}

// campaignIDs lists the campaigns' ids for an IN clause; they are integers
// read from the database, never input.
func campaignIDs(cs []*ent.Campaign) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += ","
		}
		s += strconv.Itoa(c.ID)
	}
	return s
}

// sqlitePlaceholders turns $1, $2 into ?1, ?2, which SQLite reads alike.
func sqlitePlaceholders(q string) string {
	out := make([]byte, 0, len(q))
	for i := 0; i < len(q); i++ {
		if q[i] == '$' {
			out = append(out, '?')
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

// chosenScopes moves the accounts whose new scope the admin chose; ent's
// hooks carry their paths and search keys.
func (p *planned) chosenScopes(ctx context.Context, c *ent.Client) error {
	for _, u := range p.impact.Users {
		if !u.Chosen {
			continue
		}
		if err := c.User.UpdateOneID(u.UserID).SetScopeID(u.To.ID).Exec(ctx); err != nil {
			return fmt.Errorf("apply reorganisation: scope of account %s: %w", u.Username, err)
		}
	}
	return nil
}

// renames renames units in place; a unit that also gets a new row carries
// its new name there, and its old row keeps the old one.
func (p *planned) renames(ctx context.Context, c *ent.Client) error {
	for _, n := range p.res.nodes {
		if !n.renamed || n.version != nil || n.closed {
			continue
		}
		if err := c.AdminUnit.UpdateOneID(n.unit.ID).SetCode(n.code).SetName(n.name).SetType(n.typ).Exec(ctx); err != nil {
			return fmt.Errorf("apply reorganisation: rename %s: %w", n.unit.Code, err)
		}
	}
	return nil
}
