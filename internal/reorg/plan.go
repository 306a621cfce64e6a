// Package reorg plans and applies reorganisations of the administrative
// tree: merges, splits, moves, a tier abolished, units made, renamed or
// closed, all dated by one decision.
//
// History is kept by versions, never by rewriting the past: a unit whose
// place in the tree changes is closed (validTo the day before the decision
// takes effect, mergedInto its successor) and, where it lives on, a new row
// is made under its new parent, with new rows for the villages below it.
// Closed units keep their path, parent and children, so a closed campaign,
// whose counters are keyed by unit and frozen, reports on the tree exactly
// as it stood. What sat in a closed unit follows it to its successor:
// learning units, accounts, search keys, and the registrations and counters
// of campaigns still open.
package reorg

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/access"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/search"
	"hoctap/internal/viewer"
)

// Roles: reorganising the tree is the ADMIN's alone.
var Roles = access.Roles{
	"planReorganisation":  {viewer.RoleAdmin},
	"applyReorganisation": {viewer.RoleAdmin},
	"importUnits":         {viewer.RoleAdmin},
}

var (
	msgClosedProvinceCampaign = i18n.Message{VI: "Chiến dịch %q của %s chưa kết thúc; hãy kết thúc nó trước khi sáp nhập tỉnh.", EN: "Campaign %q of %s is still open; close it before the province is merged."}
	msgNotEmptyRows           = i18n.Message{VI: "Không thể giải thể %s: còn %d đối tượng và %d tài khoản thuộc đơn vị này; hãy sáp nhập thay vì giải thể.", EN: "%s cannot be closed: %d learning units and %d accounts belong to it; merge it instead."}
)

// Impact is what applying a reorganisation does, or did.
type Impact struct {
	// Units made, closed, given a new row, renamed.
	Units []UnitChange
	// LearningUnits, Registrations and SearchKeys count the rows that
	// follow their unit to its successor (registrations of open
	// campaigns only).
	LearningUnits int
	Registrations int
	// Users whose scope changes.
	Users []UserChange
	// Campaigns still open whose counters are recounted.
	Campaigns []*ent.Campaign
	// Problems stop the reorganisation from being applied.
	Problems []Problem
}

// Count sums the units by action.
func (im *Impact) Count() map[string]int {
	out := map[string]int{
		"learningUnits": im.LearningUnits,
		"registrations": im.Registrations,
		"users":         len(im.Users),
		"campaigns":     len(im.Campaigns),
	}
	for _, u := range im.Units {
		out[string(u.Action)]++
	}
	return out
}

// Action is what happens to a unit.
type Action string

// The actions.
const (
	Created  Action = "CREATE"
	Versions Action = "VERSION" // a new row for a unit whose place changes
	Closed   Action = "CLOSE"
	Renamed  Action = "RENAME"
)

// Ref names a unit in a plan: its id (0 for a unit not made yet), code and
// name.
type Ref struct {
	ID         int
	Code, Name string
	Level      adminunit.Level
}

func (n *node) ref() Ref {
	r := Ref{Code: n.code, Name: n.name, Level: n.level}
	switch {
	case n.unit != nil:
		r.ID = n.unit.ID
	case n.id != 0:
		r.ID = n.id
	}
	return r
}

// UnitChange is one unit's part in the plan.
type UnitChange struct {
	Action Action
	// Change is the index of the change in the spec that decided it; -1
	// when it follows its parent.
	Change int
	// Unit is the unit: the existing one, or the one made.
	Unit Ref
	Type string
	// From is the unit a new row stands for (VERSION); Was the code, name
	// and type before a rename.
	From *Ref
	Was  *Ref
	// Parent is the unit a made row sits under; Into is where a closed
	// unit's contents go.
	Parent *Ref
	Into   *Ref
	// LearningUnits that sit directly in the unit and move with it.
	LearningUnits int
	// ByDefault marks a village of a split that went to the first part
	// because the decision did not place it.
	ByDefault bool
}

// UserChange is an account whose scope the plan moves.
type UserChange struct {
	UserID   int
	Username string
	Role     viewer.Role
	From, To Ref
	// Chosen is set when the admin chose To; else it is the default, the
	// unit the old scope's contents go to.
	Chosen bool
	// Widened warns that To lies above the old scope: the account would
	// see more than before (the users of an abolished district land on the
	// province unless the admin chooses otherwise).
	Widened bool
}

// system reads as the system: the caller has checked the role.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Plan works out what applying r would do, changing nothing.
func Plan(ctx context.Context, c *ent.Client, r *ent.Reorganisation) (*Impact, error) {
	if err := Roles.May(ctx, "planReorganisation"); err != nil {
		return nil, err
	}
	p, err := plan(system(ctx), c, r.Spec, r.EffectiveOn)
	if err != nil {
		return nil, err
	}
	return p.impact, nil
}

// planned is a plan with what Apply needs beyond the impact.
type planned struct {
	res      *resolved
	impact   *Impact
	users    []*ent.User
	scopeTo  map[int]*node // each moving user's new scope
	regions  []string      // paths of the provinces touched
	day      time.Time     // the effective date, at midnight in Vietnam
	lastDay  time.Time     // the day before
	campaign []*ent.Campaign
	// refs are the nodes behind each UnitChange of the impact, so that
	// the ids of made units can be filled in once they exist.
	refs []unitRefs
}

type unitRefs struct{ unit, parent, into *node }

// plan loads the provinces s touches and works s out against them. ctx
// reads as the system.
func plan(ctx context.Context, c *ent.Client, s spec.Spec, effective time.Time) (*planned, error) {
	day := dayOf(effective)
	p := &planned{impact: &Impact{}, scopeTo: map[int]*node{}, day: day, lastDay: day.AddDate(0, 0, -1)}
	units, regions, err := load(ctx, c, s)
	if err != nil {
		return nil, err
	}
	p.regions = regions
	p.res = resolve(s, units)
	im := p.impact
	im.Problems = p.res.problems
	if len(im.Problems) > 0 {
		return p, nil
	}
	var counts []unitCount
	err = c.LearningUnit.Query().Where(inRegions(learningunit.FieldAdminPath, regions)).
		GroupBy(learningunit.FieldAdminUnitID).Aggregate(ent.Count()).Scan(ctx, &counts)
	if err != nil {
		return nil, fmt.Errorf("plan: learning units: %w", err)
	}
	lus := byUnit(counts)
	p.campaign, err = c.Campaign.Query().
		Where(campaign.PhaseNEQ(campaign.PhaseCLOSED), func(s *entsql.Selector) {
			preds := make([]*entsql.Predicate, 0, len(regions))
			for _, r := range regions {
				preds = append(preds, entsql.EQ(s.C(campaign.FieldScopePath), r))
			}
			s.Where(entsql.Or(preds...))
		}).
		Order(ent.Asc(campaign.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: open campaigns: %w", err)
	}
	regs := map[int]int{}
	if len(p.campaign) > 0 {
		ids := make([]int, len(p.campaign))
		for i, camp := range p.campaign {
			ids[i] = camp.ID
		}
		var counts []unitCount
		err = c.Registration.Query().Where(registration.CampaignIDIn(ids...), inRegions(registration.FieldAdminPath, regions)).
			GroupBy(registration.FieldAdminUnitID).Aggregate(ent.Count()).Scan(ctx, &counts)
		if err != nil {
			return nil, fmt.Errorf("plan: registrations: %w", err)
		}
		regs = byUnit(counts)
	}
	p.users, err = c.User.Query().Where(inRegions(user.FieldScopePath, regions)).Order(ent.Asc(user.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: accounts: %w", err)
	}
	p.describe(lus, regs)
	return p, nil
}

// describe fills the impact from the resolved tree and the row counts.
func (p *planned) describe(lus, regs map[int]int) {
	res, im := p.res, p.impact
	usersAt := map[*node][]*ent.User{}
	for _, u := range p.users {
		if n := res.nodes[u.ScopeID]; n != nil {
			usersAt[n] = append(usersAt[n], u)
		}
	}
	ids := make([]int, 0, len(res.nodes))
	for id := range res.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	moved := map[int]bool{} // accounts whose scope the admin chose
	for _, id := range ids {
		n := res.nodes[id]
		if n.unit.ValidFrom != nil && !p.day.After(dayOf(*n.unit.ValidFrom)) && (n.closed || n.version != nil) {
			res.fail(n.change, "effectiveOn", msgTooEarly, n.label(), n.unit.ValidFrom.In(i18n.Vietnam).Format("02/01/2006"))
		}
		if n.renamed {
			was := n.unit
			p.add(UnitChange{Action: Renamed, Change: n.change, Unit: n.ref(), Type: n.typ,
				Was: &Ref{ID: was.ID, Code: was.Code, Name: was.Name, Level: was.Level}}, unitRefs{unit: n})
		}
		d := n.dest()
		if n.closed {
			uc := UnitChange{Action: Closed, Change: n.change, Unit: n.ref(), Type: n.typ, LearningUnits: lus[id]}
			if d != nil {
				r := d.ref()
				uc.Into = &r
			} else if lus[id] > 0 || len(usersAt[n]) > 0 {
				res.fail(n.change, "sources", msgNotEmptyRows, n.label(), lus[id], len(usersAt[n]))
			}
			p.add(uc, unitRefs{unit: n, into: d})
		}
		if d == nil {
			continue
		}
		im.LearningUnits += lus[id]
		im.Registrations += regs[id]
		for _, u := range usersAt[n] {
			to, chosen := d, false
			if want, ok := res.scopes[u.ID]; ok {
				to, chosen = want.node.final(), true
				moved[u.ID] = true
			}
			p.scopeTo[u.ID] = to
			im.Users = append(im.Users, UserChange{UserID: u.ID, Username: u.Username, Role: viewer.Role(u.Role),
				From: n.ref(), To: to.ref(), Chosen: chosen, Widened: rank(to.level) < rank(n.level)})
		}
	}
	for _, uid := range slices.Sorted(maps.Keys(res.scopes)) {
		if !moved[uid] {
			res.fail(-1, fmt.Sprintf("userScopes.%d.userID", res.scopes[uid].index), msgUserScope, uid)
		}
	}
	for _, n := range res.created {
		uc := UnitChange{Action: Created, Change: n.change, Unit: n.ref(), Type: n.typ}
		if n.parent != nil {
			r := n.parent.ref()
			uc.Parent = &r
		}
		if from := res.versions[n]; from != nil {
			uc.Action = Versions
			r := from.ref()
			uc.From = &r
			uc.ByDefault = from.byDefault
			uc.LearningUnits = lus[from.unit.ID]
		}
		p.add(uc, unitRefs{unit: n, parent: n.parent})
	}
	for _, camp := range p.campaign {
		if prov := res.nodes[camp.ProvinceID]; prov != nil && prov.closed {
			res.fail(-1, "campaigns", msgClosedProvinceCampaign, camp.Name, prov.label())
			continue
		}
		im.Campaigns = append(im.Campaigns, camp)
	}
	im.Problems = res.problems
}

// add appends a unit's change to the impact.
func (p *planned) add(uc UnitChange, refs unitRefs) {
	p.impact.Units = append(p.impact.Units, uc)
	p.refs = append(p.refs, refs)
}

// rank orders levels from the top.
func rank(l adminunit.Level) int {
	return slices.Index([]adminunit.Level{adminunit.LevelCOUNTRY, adminunit.LevelPROVINCE, adminunit.LevelDISTRICT, adminunit.LevelCOMMUNE, adminunit.LevelVILLAGE}, l)
}

// dayOf is the calendar day of t in Vietnam, as a time at its midnight.
func dayOf(t time.Time) time.Time {
	t = t.In(i18n.Vietnam)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, i18n.Vietnam)
}

// load reads the open units of every province s names a unit of, and the
// units above them, and returns the provinces' paths.
func load(ctx context.Context, c *ent.Client, s spec.Spec) ([]*ent.AdminUnit, []string, error) {
	var ids []int
	for _, ch := range s.Changes {
		ids = append(ids, ch.Sources...)
		ids = append(ids, ch.ParentID, ch.WithinID)
		if ch.Successor != nil {
			ids = append(ids, ch.Successor.ID)
		}
		if ch.New != nil {
			ids = append(ids, ch.New.ParentID)
		}
		for _, p := range ch.Parts {
			ids = append(ids, p.Successor.ID)
			ids = append(ids, p.Villages...)
			if p.Successor.New != nil {
				ids = append(ids, p.Successor.New.ParentID)
			}
		}
		if ch.Successor != nil && ch.Successor.New != nil {
			ids = append(ids, ch.Successor.New.ParentID)
		}
	}
	for _, us := range s.UserScopes {
		ids = append(ids, us.ScopeID)
	}
	ids = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(ids))), func(id int) bool { return id == 0 })
	named, err := c.AdminUnit.Query().Where(adminunit.IDIn(ids...)).Select(adminunit.FieldPath).Strings(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: units named: %w", err)
	}
	seen := map[string]bool{}
	var regions, above []string
	for _, path := range named {
		lineage := search.Lineage(path)
		if len(lineage) < 2 {
			continue // the country itself: nothing to load below a change of it
		}
		if r := lineage[1]; !seen[r] {
			seen[r] = true
			regions = append(regions, r)
			above = append(above, lineage[0])
		}
	}
	slices.Sort(regions)
	above = slices.Compact(slices.Sorted(slices.Values(above)))
	if len(regions) == 0 {
		return nil, nil, nil
	}
	units, err := c.AdminUnit.Query().
		Where(adminunit.ValidToIsNil(), func(s *entsql.Selector) {
			preds := []*entsql.Predicate{}
			for _, r := range regions {
				preds = append(preds, search.Prefix(s.C(adminunit.FieldPath), r))
			}
			for _, a := range above {
				preds = append(preds, entsql.EQ(s.C(adminunit.FieldPath), a))
			}
			s.Where(entsql.Or(preds...))
		}).
		All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: load units: %w", err)
	}
	return units, regions, nil
}

// inRegions keeps rows whose path column lies in one of the regions.
func inRegions(column string, regions []string) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		preds := make([]*entsql.Predicate, len(regions))
		for i, r := range regions {
			preds[i] = search.Prefix(s.C(column), r)
		}
		s.Where(entsql.Or(preds...))
	}
}

// unitCount is a count of rows by admin unit.
type unitCount struct {
	AdminUnitID int `json:"admin_unit_id"`
	Count       int `json:"count"`
}

// byUnit turns grouped counts into a map.
func byUnit(rows []unitCount) map[int]int {
	out := make(map[int]int, len(rows))
	for _, r := range rows {
		out[r.AdminUnitID] = r.Count
	}
	return out
}
