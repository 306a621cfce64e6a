package reorg

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/change"
	"hoctap/ent/reorganisation"
	"hoctap/ent/searchkey"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/changes"
	"hoctap/internal/history"
	"hoctap/internal/progress"
	"hoctap/internal/textnorm"
	"hoctap/internal/viewer"
)

// Apply applies the planned reorganisation id, as the plan of that moment
// says, and records it applied: in the transaction of ctx (the API's
// mutation) or in one of its own. Applying it again changes nothing and
// returns it with a nil impact. A plan with problems changes nothing and
// fails with the first of them, named by its change and field. dialect is
// the database's (store.DB.Dialect): the moves are SQL of their own.
func Apply(ctx context.Context, c *ent.Client, dial string, id int) (*ent.Reorganisation, *Impact, error) {
	if err := Roles.May(ctx, "applyReorganisation"); err != nil {
		return nil, nil, err
	}
	if tx := ent.TxFromContext(ctx); tx != nil {
		return apply(ctx, newSQLTx(tx, dial), id)
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: %w", err)
	}
	r, im, err := apply(ent.NewTxContext(ctx, tx), newSQLTx(tx, dial), id)
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return nil, nil, fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: commit: %w", err)
	}
	return r, im, nil
}

func apply(ctx context.Context, tx *sqlTx, id int) (*ent.Reorganisation, *Impact, error) {
	c := tx.Client()
	sctx := system(ctx)
	if tx.dialect == dialect.Postgres {
		// Nothing may land in a unit while it closes, and two applies
		// queue: both modes let readers through.
		if err := tx.exec(ctx, `LOCK TABLE reorganisations, admin_units, learning_units, users, registrations, search_keys IN SHARE ROW EXCLUSIVE MODE`); err != nil {
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
		return nil, nil, problemError(p.impact.Problems[0])
	}
	now := time.Now().UTC()
	if err := insertUnits(ctx, tx, p, now); err != nil {
		return nil, nil, err
	}
	p.fillIDs()
	if err := moveRows(ctx, tx, p, now); err != nil {
		return nil, nil, err
	}
	if err := p.chosenScopes(sctx, c); err != nil {
		return nil, nil, err
	}
	if err := p.renames(sctx, c); err != nil {
		return nil, nil, err
	}
	// What the closed units held stays readable to those of the units
	// that took them over.
	if err := history.Rebuild(ctx, tx, tx.dialect == dialect.Postgres); err != nil {
		return nil, nil, fmt.Errorf("apply reorganisation: %w", err)
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
func problemError(pr Problem) error {
	return &apperr.Error{Code: apperr.BadUserInput, Field: ProblemField(pr), Msg: pr.Message, Args: pr.Args}
}

// ProblemField is where a problem lies in the input: changes.3.sources.0
// for a part of a change, else the field of the decision.
func ProblemField(pr Problem) string {
	if pr.Change < 0 {
		return pr.Field
	}
	field := "changes." + strconv.Itoa(pr.Change)
	if pr.Field != "" {
		field += "." + pr.Field
	}
	return field
}

// unitColumns are the columns of a new admin unit row.
var unitColumns = []string{
	adminunit.FieldID, adminunit.FieldCreatedAt, adminunit.FieldUpdatedAt, adminunit.FieldVersion,
	adminunit.FieldCode, adminunit.FieldName, adminunit.FieldNameKey, adminunit.FieldLevel, adminunit.FieldType,
	adminunit.FieldDisadvantaged, adminunit.FieldValidFrom, adminunit.FieldParentID, adminunit.FieldPath, adminunit.FieldDepth,
}

// insertUnits writes the plan's new rows, parents first, with their paths
// and search keys, in bulk.
func insertUnits(ctx context.Context, tx *sqlTx, p *planned, now time.Time) error {
	created := p.res.created
	if len(created) == 0 {
		return nil
	}
	ids, err := tx.ids(ctx, adminunit.Table, len(created))
	if err != nil {
		return err
	}
	rows := make([][]any, len(created))
	var keys [][]any
	for i, n := range created {
		n.id = ids[i]
		parentPath, parentDepth := n.parent.pathDepth()
		n.path = parentPath + strconv.Itoa(n.id) + "/"
		n.depth = parentDepth + 1
		rows[i] = []any{n.id, now, now, 1, n.code, n.name, textnorm.SortKey(n.name), string(n.level), n.typ,
			n.disadvantaged, p.day.UTC(), n.parent.rowID(), n.path, n.depth}
		for _, k := range textnorm.Keys(n.name) {
			keys = append(keys, []any{0, k, n.id, n.path})
		}
	}
	if err := tx.insert(ctx, adminunit.Table, unitColumns, rows); err != nil {
		return err
	}
	logged := make([][]any, len(created))
	for i, n := range created {
		logged[i] = changes.Row{Type: ent.TypeAdminUnit, ID: n.id, Op: change.OpUPSERT, Path: n.path}.Values(now)
	}
	if err := tx.insert(ctx, change.Table, changes.Columns, logged); err != nil {
		return err
	}
	kids, err := tx.ids(ctx, searchkey.Table, len(keys))
	if err != nil {
		return err
	}
	for i := range keys {
		keys[i][0] = kids[i]
	}
	return tx.insert(ctx, searchkey.Table, []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}, keys)
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
func (p *planned) fillIDs() {
	for i, refs := range p.refs {
		u := &p.impact.Units[i]
		u.Unit.ID = refs.unit.rowID()
		if refs.parent != nil {
			u.Parent.ID = refs.parent.rowID()
		}
		if refs.into != nil {
			u.Into.ID = refs.into.rowID()
		}
	}
	for i := range p.impact.Users {
		if n := p.scopeTo[p.impact.Users[i].UserID]; n != nil {
			p.impact.Users[i].To.ID = n.rowID()
		}
	}
}

// moveRows closes the old rows and moves what sat in them to where it goes,
// in a few statements over a temporary table of the moves.
func moveRows(ctx context.Context, tx *sqlTx, p *planned, now time.Time) error {
	dial := tx.dialect
	create := `CREATE TEMP TABLE reorg_moves (old_id BIGINT PRIMARY KEY, new_id BIGINT, new_path TEXT, merged_into BIGINT)`
	if dial == dialect.Postgres {
		create += ` ON COMMIT DROP`
	} else if err := tx.exec(ctx, `DROP TABLE IF EXISTS temp.reorg_moves`); err != nil {
		return err
	}
	if err := tx.exec(ctx, create); err != nil {
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
	if err := tx.insert(ctx, "reorg_moves", []string{"old_id", "new_id", "new_path", "merged_into"}, rows); err != nil {
		return err
	}
	if dial == dialect.Postgres {
		// A temporary table has no statistics until analysed (autovacuum
		// never sees it); the planner should know the moves' size before
		// it joins millions of learning units and search keys to them.
		// The tables joined are analysed too: rows bulk-written in this
		// transaction (the demo loads and reforms in one) are invisible to
		// autovacuum, and without statistics the search-key update of the
		// demo once ran past a two-minute deadline where it takes a second.
		// ANALYZE samples a fixed number of rows, a second or so however
		// large the table.
		if err := tx.exec(ctx, `ANALYZE reorg_moves, learning_units, search_keys, users, registrations`); err != nil {
			return err
		}
	}
	last := p.lastDay.UTC()
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		// The changes feed is told first, while the rows are where they
		// were: the units closed, and what moves out of them, from where.
		{"log closed units", changes.InsertSelect(dial, ent.TypeAdminUnit, change.OpARCHIVE,
			`SELECT au.id, au.path, '' FROM admin_units au, reorg_moves m WHERE au.id = m.old_id`), []any{now}},
		{"log moved learning units", changes.InsertSelect(dial, ent.TypeLearningUnit, change.OpUPSERT,
			`SELECT lu.id, m.new_path, lu.admin_path FROM learning_units lu, reorg_moves m
			WHERE lu.admin_unit_id = m.old_id AND m.new_id IS NOT NULL AND lu.archived_at IS NULL`), []any{now}},
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
		}{"log moved registrations", changes.InsertSelect(dial, ent.TypeRegistration, change.OpUPSERT,
			`SELECT r.id, m.new_path, r.admin_path FROM registrations r, reorg_moves m
			WHERE r.admin_unit_id = m.old_id AND m.new_id IS NOT NULL AND r.campaign_id IN (`+ids+`)`), []any{now}})
		// Evaluations are where their registrations are.
		stmts = append(stmts, struct {
			what string
			sql  string
			args []any
		}{"log moved evaluations", changes.InsertSelect(dial, ent.TypeEvaluation, change.OpUPSERT,
			`SELECT e.id, m.new_path, r.admin_path FROM evaluations e, registrations r, reorg_moves m
			WHERE e.registration_id = r.id AND r.admin_unit_id = m.old_id AND m.new_id IS NOT NULL AND r.campaign_id IN (`+ids+`)`), []any{now}})
		stmts = append(stmts, struct {
			what string
			sql  string
			args []any
		}{"registrations of open campaigns", `UPDATE registrations SET admin_unit_id = m.new_id, admin_path = m.new_path
			FROM reorg_moves m WHERE registrations.admin_unit_id = m.old_id AND m.new_id IS NOT NULL AND registrations.campaign_id IN (` + ids + `)`, nil})
	}
	for _, s := range stmts {
		if err := tx.exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	if dial != dialect.Postgres {
		return tx.exec(ctx, `DROP TABLE temp.reorg_moves`)
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
