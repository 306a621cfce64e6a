package progress

// The reads of a report. The API's progress query is on the app's everyday
// path, so a report costs three statements (issue #15): the campaign with its
// target overrides, the unit with its children, and the counters with the
// disadvantaged communes they depend on. Each read joins what it needs
// instead of asking again.

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/progresscounter"
	"hoctap/ent/target"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/title"
	"hoctap/internal/viewer"
)

var msgNotInCampaign = i18n.Message{VI: "Đơn vị không thuộc tỉnh của chiến dịch.", EN: "The unit is not in the campaign's province."}

// The columns a campaign's row carries of the target it is joined with.
const (
	targetUnit    = "hoctap_target_unit"
	targetTitle   = "hoctap_target_title"
	targetSubtype = "hoctap_target_subtype"
	targetRate    = "hoctap_target_rate"
)

// campaignWithTargets reads a campaign as the viewer, NOT_FOUND naming
// campaignID when it is out of scope, and its target overrides with it: one
// row per override (one with none), the campaign's columns repeated.
func campaignWithTargets(ctx context.Context, c *ent.Client, id int) (*ent.Campaign, []*ent.Target, error) {
	q := c.Campaign.Query().Where(campaign.ID(id))
	q.Modify(func(s *sql.Selector) {
		t := sql.Table(target.Table)
		s.LeftJoin(t).On(s.C(campaign.FieldID), t.C(target.FieldCampaignID))
		// Never NULL: ent cannot scan a column it does not know when
		// SQLite gives it no type, as it does a NULL's.
		s.AppendSelectExprAs(orZero(t.C(target.FieldAdminUnitID), "0"), targetUnit).
			AppendSelectExprAs(orZero(t.C(target.FieldTitle), "''"), targetTitle).
			AppendSelectExprAs(orZero(t.C(target.FieldSubtype), "''"), targetSubtype).
			AppendSelectExprAs(orZero(t.C(target.FieldRate), "0"), targetRate)
	})
	rows, err := q.All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("progress: campaign: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil, &apperr.Error{Code: apperr.NotFound, Field: "campaignID", Msg: apperr.MsgNotFound}
	}
	var overrides []*ent.Target
	for _, r := range rows {
		t, err := overrideOf(r)
		if err != nil {
			return nil, nil, fmt.Errorf("progress: campaign %d: %w", id, err)
		}
		if t != nil {
			overrides = append(overrides, t)
		}
	}
	return rows[0], overrides, nil
}

// overrideOf reads the target override a campaign's row was joined with;
// nil for none (admin unit 0). The columns are as the drivers hand over
// columns ent does not know: integers as int64, text as string, the rate
// as float64.
func overrideOf(r *ent.Campaign) (*ent.Target, error) {
	var v [4]ent.Value
	for i, col := range []string{targetUnit, targetTitle, targetSubtype, targetRate} {
		var err error
		if v[i], err = r.Value(col); err != nil {
			return nil, err
		}
	}
	unit, okUnit := ent.IntValue(v[0])
	if okUnit && unit == 0 {
		return nil, nil
	}
	t, okTitle := v[1].(string)
	subtype, okSubtype := v[2].(string)
	rate, okRate := v[3].(float64)
	if n, ok := v[3].(int64); ok { // SQLite keeps a whole rate as an integer
		rate, okRate = float64(n), true
	}
	if !okUnit || !okTitle || !okSubtype || !okRate {
		return nil, fmt.Errorf("a target override read as %T, %T, %T, %T", v[0], v[1], v[2], v[3])
	}
	return &ent.Target{CampaignID: r.ID, AdminUnitID: unit, Title: title.Title(t), Subtype: subtype, Rate: rate}, nil
}

// readTargets reads a campaign's target overrides, for a campaign read
// without them.
func readTargets(ctx context.Context, c *ent.Client, camp *ent.Campaign) ([]*ent.Target, error) {
	overrides, err := c.Target.Query().Where(target.CampaignID(camp.ID)).All(system(ctx))
	if err != nil {
		return nil, fmt.Errorf("progress: targets: %w", err)
	}
	return overrides, nil
}

// unitWithChildren reads the unit of a report and its children in one
// query, as the viewer: NOT_FOUND naming unitID when the unit is out of the
// viewer's reach, INVALID_INPUT when it is outside the campaign's province.
func unitWithChildren(ctx context.Context, c *ent.Client, camp *ent.Campaign, unitID int) (*ent.AdminUnit, []*ent.AdminUnit, error) {
	found, err := c.AdminUnit.Query().
		Where(adminunit.Or(adminunit.ID(unitID), adminunit.ParentID(unitID))).
		Order(ent.Asc(adminunit.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("progress: unit: %w", err)
	}
	var unit *ent.AdminUnit
	children := found[:0:0]
	for _, u := range found {
		if u.ID == unitID {
			unit = u
		} else {
			children = append(children, u)
		}
	}
	if unit == nil {
		return nil, nil, &apperr.Error{Code: apperr.NotFound, Field: "unitID", Msg: apperr.MsgNotFound}
	}
	// The units above one's scope are readable for their names, not for
	// what they count of the units beside one's own: their reports read as
	// missing, as they did before the names were shown.
	if !viewer.FromContext(ctx).ReachesPast(unit.Path) {
		return nil, nil, &apperr.Error{Code: apperr.NotFound, Field: "unitID", Msg: apperr.MsgNotFound}
	}
	if !strings.HasPrefix(unit.Path, camp.ScopePath) {
		return nil, nil, apperr.Input("unitID", msgNotInCampaign)
	}
	return unit, children, nil
}

// countersIn reads, in one statement, a campaign's counters in the units
// ids (the report's, checked by the caller) and the disadvantaged communes
// on or under top, whose counters decide the targets of the units above
// them (areas): the units, each joined with its counters. A province's
// report reads some 450 such rows; they are scanned into reused buffers
// (titles and subtypes interned), as ent's struct scan made a dozen objects
// of each and was 40% of the report's time.
func countersIn(ctx context.Context, c *ent.Client, camp *ent.Campaign, top *ent.AdminUnit, ids []int) (communes []*ent.AdminUnit, counters []*ent.ProgressCounter, err error) {
	au, pc := sql.Table(adminunit.Table), sql.Table(progresscounter.Table)
	s := sql.Dialect(c.Dialect()).Select().From(au)
	s.LeftJoin(pc).OnP(sql.And(
		sql.ColumnsEQ(s.C(adminunit.FieldID), pc.C(progresscounter.FieldAdminUnitID)),
		sql.EQ(pc.C(progresscounter.FieldCampaignID), camp.ID),
	))
	s.Select(s.C(adminunit.FieldID), s.C(adminunit.FieldPath), s.C(adminunit.FieldLevel), s.C(adminunit.FieldDisadvantaged),
		pc.C(progresscounter.FieldTitle), pc.C(progresscounter.FieldSubtype), pc.C(progresscounter.FieldEligible),
		pc.C(progresscounter.FieldRegistered), pc.C(progresscounter.FieldEvaluated), pc.C(progresscounter.FieldRecognized))
	adminunit.Or(adminunit.IDIn(ids...), disadvantagedOnOrUnder(top))(s)
	query, args := s.Query()
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("progress: counters: %w", err)
	}
	defer rows.Close()
	var (
		id                                          int
		path, level, titleCol, subtypeCol           stdsql.RawBytes
		disadvantaged                               bool
		eligible, registered, evaluated, recognized stdsql.NullInt64
		seen                                        = map[int]bool{}
		interned                                    = map[string]string{}
	)
	intern := func(b []byte) string {
		if s, ok := interned[string(b)]; ok {
			return s
		}
		s := string(b)
		interned[s] = s
		return s
	}
	for rows.Next() {
		if err := rows.Scan(&id, &path, &level, &disadvantaged, &titleCol, &subtypeCol, &eligible, &registered, &evaluated, &recognized); err != nil {
			return nil, nil, fmt.Errorf("progress: counters: %w", err)
		}
		if disadvantaged && string(level) == adminunit.LevelCOMMUNE.String() && !seen[id] {
			seen[id] = true
			communes = append(communes, &ent.AdminUnit{ID: id, Path: string(path), Level: adminunit.LevelCOMMUNE, Disadvantaged: true})
		}
		if titleCol == nil {
			continue // no counter: nothing counted there yet
		}
		counters = append(counters, &ent.ProgressCounter{
			CampaignID: camp.ID, AdminUnitID: id, Title: title.Title(intern(titleCol)), Subtype: intern(subtypeCol),
			Eligible: int(eligible.Int64), Registered: int(registered.Int64), Evaluated: int(evaluated.Int64), Recognized: int(recognized.Int64),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("progress: counters: %w", err)
	}
	return communes, counters, nil
}

// orZero is column, or zero where the row has no value.
func orZero(column, zero string) sql.Querier {
	return sql.Expr("COALESCE(" + column + ", " + zero + ")")
}
