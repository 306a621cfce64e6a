// Package demo loads a province shaped like Thái Bình into an empty
// database: its real district-level units, 242 communes with generated names
// in the real per-district counts, villages, learning units at a chosen
// scale, and one account of every role.
package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/searchkey"
	"hoctap/internal/auth"
	"hoctap/internal/bulk"
	"hoctap/internal/progress"
	"hoctap/internal/setup"
	"hoctap/internal/store"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
	"hoctap/internal/viewer"
	"time"

	"entgo.io/ent/dialect"
)

// Full-size figures of Thái Bình (DOMAIN.md); Scale 1 reaches them.
const (
	householdsPerVillage = 315  // ~600,000 households over ~1,900 villages
	clansPerCommune      = 5.0  // ~1,200 clans
	orgsPerCommune       = 16.5 // ~4,000 organisations
)

// Options tune the demo.
type Options struct {
	// Scale is the fraction of the full province's households, clans and
	// organisations; every village keeps at least one household.
	Scale float64
	// Seed makes the generated names and counts reproducible.
	Seed uint64
	// AdminPassword is the password of user admin; empty generates one.
	AdminPassword string
	// Years are the campaigns to load, of 2019, 2020, 2021 (Thái Bình) and
	// 2025 (the national shape); nil loads Thái Bình's three.
	Years []int
	// LoadPassword, when set, is given to the manager "quanly" and to an
	// OFFICER "canbo.<commune code>" in every commune, for cmd/hoctap-load.
	LoadPassword string
	// HouseholdsPerVillage, when set, overrides Scale for households.
	HouseholdsPerVillage int
	// NoCitizens leaves out the citizens, for a national shape that is about
	// households.
	NoCitizens bool
}

// Account is a demo sign-in.
type Account struct {
	Username, Password string
	Role               viewer.Role
	Scope              string
}

// Result tells what was loaded.
type Result struct {
	Province      *ent.AdminUnit
	AdminUnits    int
	LearningUnits int
	Accounts      []Account
}

// PrintAccounts writes the accounts created, one a line, with their
// passwords: the only time these are shown.
func (r *Result) PrintAccounts(w io.Writer) {
	for _, a := range r.Accounts {
		fmt.Fprintf(w, "  %-12s %-16s %-13s %s\n", a.Username, a.Password, a.Role, a.Scope)
	}
}

// Empty reports whether the database holds no admin unit yet.
func Empty(ctx context.Context, c *ent.Client) (bool, error) {
	n, err := c.AdminUnit.Query().Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return false, fmt.Errorf("check for data: %w", err)
	}
	return !n, nil
}

// Load loads the demo province in one transaction. Admin units, accounts
// and campaigns go through ent and its hooks; the many learning units,
// registrations and evaluations are written in bulk.
func Load(ctx context.Context, db *store.DB, opts Options) (*Result, error) {
	res, err := withLoader(ctx, db, opts, (*loader).load)
	if err != nil {
		return nil, err
	}
	// PostgreSQL without statistics plans a province's filters as nested
	// loops over both sides (22 s instead of 19 ms for one count on the
	// demo). SQLite does well on the demo without them, and measured 5×
	// slower on where-filters through edges with a sampled ANALYZE.
	if db.Dialect == dialect.Postgres {
		if err := db.Analyze(ctx); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return res, nil
}

// withLoader runs load with a loader of opts in one transaction, as the
// system.
func withLoader(ctx context.Context, db *store.DB, opts Options, load func(*loader, context.Context) (*Result, error)) (*Result, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := bulk.Begin(ctx, db.SQL, db.Dialect)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res, err := load(newLoader(tx, opts), ctx)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("demo: commit: %w", err)
	}
	return res, nil
}

func newLoader(tx *bulk.Tx, opts Options) *loader {
	return &loader{tx: tx, c: tx.Client, r: rand.New(rand.NewPCG(opts.Seed, 34)), opts: opts}
}

type loader struct {
	tx   *bulk.Tx
	c    *ent.Client
	r    *rand.Rand
	opts Options
	res  Result
	// country is the root unit, the scope of user admin.
	country *ent.AdminUnit
	// pending learning units, written in bulk by flush.
	pending []*ent.LearningUnit
	// units are the learning units written, for the campaigns.
	units []unitInfo
	// levels of the admin units created, by id.
	levels map[int]adminunit.Level
}

// Units of the demo tree, kept to pick account scopes and place units.
type placed struct {
	unit     *ent.AdminUnit
	children []*placed
}

func (l *loader) load(ctx context.Context) (*Result, error) {
	country, err := setup.Country(ctx, l.c)
	if err != nil {
		return nil, err
	}
	province, err := l.unit(ctx, country, "34", "Tỉnh Thái Bình", adminunit.LevelPROVINCE, "Tỉnh", false)
	if err != nil {
		return nil, err
	}
	l.country = country
	root := &placed{unit: province}
	l.res.Province = province
	code := 12430 // generated 5-digit commune codes, 3 apart like the catalogue's
	taken := map[string]bool{}
	for _, d := range thaiBinh {
		du, err := l.unit(ctx, province, d.Code, d.Name, adminunit.LevelDISTRICT, d.Type, false)
		if err != nil {
			return nil, err
		}
		dp := &placed{unit: du}
		root.children = append(root.children, dp)
		type commune struct{ name, typ string }
		var communes []commune
		for _, w := range d.Wards {
			communes = append(communes, commune{"Phường " + w, "Phường"})
		}
		for _, t := range d.Towns {
			communes = append(communes, commune{"Thị trấn " + t, "Thị trấn"})
		}
		for _, n := range communeNames(l.r, d.Communes-len(communes), taken) {
			communes = append(communes, commune{"Xã " + n, "Xã"})
		}
		for i, cm := range communes {
			// The coastal districts' last communes are the especially
			// disadvantaged coastal ones (bãi ngang ven biển).
			poor := d.Coastal && cm.typ == "Xã" && i >= len(communes)-5
			cu, err := l.unit(ctx, du, fmt.Sprintf("%05d", code), cm.name, adminunit.LevelCOMMUNE, cm.typ, poor)
			code += 3
			if err != nil {
				return nil, err
			}
			cp, err := l.villages(ctx, cu, cm.typ == "Xã", poor)
			if err != nil {
				return nil, err
			}
			dp.children = append(dp.children, cp)
		}
	}
	if err := l.learningUnits(ctx, root); err != nil {
		return nil, err
	}
	if err := l.accounts(ctx, root); err != nil {
		return nil, err
	}
	if err := l.campaigns(ctx, province); err != nil {
		return nil, err
	}
	return &l.res, nil
}

// villages places 6 to 10 villages (thôn) in a rural commune, residential
// groups (tổ dân phố) in a ward or town.
func (l *loader) villages(ctx context.Context, commune *ent.AdminUnit, rural, poor bool) (*placed, error) {
	cp := &placed{unit: commune}
	n := 6 + l.r.IntN(5)
	for v := 1; v <= n; v++ {
		name, typ := "Thôn "+strconv.Itoa(v), "Thôn"
		if !rural {
			name, typ = "Tổ dân phố "+strconv.Itoa(v), "Tổ dân phố"
		}
		vu, err := l.unit(ctx, commune, commune.Code+"."+fmt.Sprintf("%02d", v), name, adminunit.LevelVILLAGE, typ, poor)
		if err != nil {
			return nil, err
		}
		cp.children = append(cp.children, &placed{unit: vu})
	}
	return cp, nil
}

func (l *loader) unit(ctx context.Context, parent *ent.AdminUnit, code, name string, level adminunit.Level, typ string, poor bool) (*ent.AdminUnit, error) {
	b := l.c.AdminUnit.Create().SetCode(code).SetName(name).SetLevel(level).SetType(typ).SetDisadvantaged(poor)
	if parent != nil {
		b.SetParent(parent)
	}
	u, err := b.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	l.res.AdminUnits++
	if l.levels == nil {
		l.levels = map[int]adminunit.Level{}
	}
	l.levels[u.ID] = level
	return u, nil
}

// scaled rounds per-unit figure × scale, keeping at least min.
func (l *loader) scaled(figure float64, min int) int {
	n := int(math.Round(figure * l.opts.Scale))
	if n < min {
		return min
	}
	return n
}

// learningUnits places communities, clans, organisations, households and
// their adult citizens.
func (l *loader) learningUnits(ctx context.Context, root *placed) error {
	// Every unit is also a learning community; communes hold the rest.
	var communes []*placed
	var walk func(p *placed)
	walk = func(p *placed) {
		u := p.unit
		l.add(&ent.LearningUnit{Kind: learningunit.KindCOMMUNITY, Name: "Cộng đồng học tập " + u.Name, AdminUnitID: u.ID, AdminPath: u.Path})
		if u.Level == adminunit.LevelCOMMUNE {
			communes = append(communes, p)
		}
		for _, ch := range p.children {
			walk(ch)
		}
	}
	walk(root)
	if _, err := l.flush(ctx); err != nil {
		return err
	}
	for _, cm := range communes {
		if err := l.commune(ctx, cm); err != nil {
			return err
		}
	}
	return nil
}

// commune places the clans and organisations of a commune and the
// households and citizens of its villages.
func (l *loader) commune(ctx context.Context, cm *placed) error {
	c := cm.unit
	for i := range l.scaled(clansPerCommune, 1) {
		family := familyNames[(i+l.r.IntN(len(familyNames)))%len(familyNames)]
		l.add(&ent.LearningUnit{Kind: learningunit.KindCLAN,
			Name:     fmt.Sprintf("Dòng họ %s %s", family, cm.children[i%len(cm.children)].unit.Name),
			HeadName: person(l.r, false), MemberCount: 20 + l.r.IntN(120), AdminUnitID: c.ID, AdminPath: c.Path})
	}
	for i := range l.scaled(orgsPerCommune, 2) {
		k := orgKinds[i%len(orgKinds)]
		staff := 5 + l.r.IntN(60)
		sub := learningunit.Subtype(k.Subtype)
		l.add(&ent.LearningUnit{Kind: learningunit.KindORGANIZATION, Subtype: &sub,
			Name: fmt.Sprintf("%s %s", k.Prefix, trimType(c.Name)), HeadName: person(l.r, l.r.IntN(2) == 0),
			MemberCount: staff, AdultCount: staff, AdminUnitID: c.ID, AdminPath: c.Path})
	}
	clans, err := l.flush(ctx)
	if err != nil {
		return err
	}
	var clanIDs []int
	for _, u := range clans {
		if u.Kind == learningunit.KindCLAN {
			clanIDs = append(clanIDs, u.ID)
		}
	}
	perVillage := l.scaled(householdsPerVillage, 1)
	if l.opts.HouseholdsPerVillage > 0 {
		perVillage = l.opts.HouseholdsPerVillage
	}
	for _, v := range cm.children {
		for range perVillage {
			head := person(l.r, l.r.IntN(4) == 0)
			adults := 1 + l.r.IntN(3)
			h := &ent.LearningUnit{Kind: learningunit.KindHOUSEHOLD, Name: "Hộ " + head, HeadName: head,
				Address:     v.unit.Name + ", " + c.Name,
				MemberCount: adults + l.r.IntN(4), AdultCount: adults, AdminUnitID: v.unit.ID, AdminPath: v.unit.Path}
			if len(clanIDs) > 0 && l.r.IntN(3) == 0 {
				h.ParentID = &clanIDs[l.r.IntN(len(clanIDs))]
			}
			l.add(h)
		}
	}
	households, err := l.flush(ctx)
	if err != nil {
		return err
	}
	if l.opts.NoCitizens {
		return nil
	}
	for _, h := range households {
		for a := range h.AdultCount {
			name := h.HeadName
			if a > 0 {
				name = person(l.r, a%2 == 1)
			}
			l.add(&ent.LearningUnit{Kind: learningunit.KindCITIZEN, Name: name, AdminUnitID: h.AdminUnitID, AdminPath: h.AdminPath,
				ParentID: &h.ID, MemberCount: 1, AdultCount: 1})
		}
	}
	_, err = l.flush(ctx)
	return err
}

func (l *loader) add(u *ent.LearningUnit) {
	l.pending = append(l.pending, u)
}

// learningUnitColumns are the columns flush writes.
var learningUnitColumns = []string{
	learningunit.FieldID, learningunit.FieldCreatedAt, learningunit.FieldUpdatedAt, learningunit.FieldVersion,
	learningunit.FieldKind, learningunit.FieldSubtype, learningunit.FieldName, learningunit.FieldNameKey, learningunit.FieldHeadName,
	learningunit.FieldAddress, learningunit.FieldMemberCount, learningunit.FieldAdultCount,
	learningunit.FieldAdminPath, learningunit.FieldAdminUnitID, learningunit.FieldParentID,
}

// flush writes the pending learning units and their search keys in bulk,
// giving them their ids.
func (l *loader) flush(ctx context.Context) ([]*ent.LearningUnit, error) {
	all := l.pending
	l.pending = nil
	if len(all) == 0 {
		return nil, nil
	}
	first, err := l.tx.IDs(ctx, learningunit.Table, len(all))
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	rows := make([][]any, len(all))
	var keys [][]any
	for i, u := range all {
		u.ID = first + i
		var sub any
		if u.Subtype != nil {
			sub = string(*u.Subtype)
		}
		var parent any
		if u.ParentID != nil {
			parent = *u.ParentID
		}
		rows[i] = []any{u.ID, now, now, 1, string(u.Kind), sub, u.Name, textnorm.SortKey(u.Name), nullable(u.HeadName), nullable(u.Address),
			u.MemberCount, u.AdultCount, u.AdminPath, u.AdminUnitID, parent}
		for _, k := range textnorm.Keys(u.Name, u.HeadName) {
			keys = append(keys, []any{0, k, u.ID, u.AdminPath})
		}
		if t, ok := titles.For(u.Kind, l.levels[u.AdminUnitID]); ok {
			l.units = append(l.units, unitInfo{id: u.ID, adminUnitID: u.AdminUnitID, adminPath: u.AdminPath, title: t, subtype: progress.Subtype(u.Kind, u.Subtype)})
		}
	}
	if err := l.tx.Insert(ctx, learningunit.Table, learningUnitColumns, rows); err != nil {
		return nil, err
	}
	kfirst, err := l.tx.IDs(ctx, searchkey.Table, len(keys))
	if err != nil {
		return nil, err
	}
	for i := range keys {
		keys[i][0] = kfirst + i
	}
	if err := l.tx.Insert(ctx, searchkey.Table, []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}, keys); err != nil {
		return nil, err
	}
	l.res.LearningUnits += len(all)
	return all, nil
}

// nullable stores an empty optional string as NULL, as ent does.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// accounts creates one user of every role, scoped as a client team would
// want to try them: the province, a district, a commune, a village, and a
// citizen's own record.
func (l *loader) accounts(ctx context.Context, root *placed) error {
	district := root.children[3] // Huyện Đông Hưng
	commune := district.children[0]
	village := commune.children[0]
	citizen, err := l.c.LearningUnit.Query().
		Where(learningunit.KindEQ(learningunit.KindCITIZEN), learningunit.AdminUnitID(village.unit.ID)).
		Order(ent.Asc(learningunit.FieldID)).First(ctx)
	if err != nil {
		return fmt.Errorf("pick the demo citizen: %w", err)
	}
	accounts := []struct {
		username, fullName string
		role               viewer.Role
		scope              *ent.AdminUnit
		learningUnit       *int
	}{
		{"admin", "Quản trị hệ thống", viewer.RoleAdmin, l.country, nil},
		{"quanly", "Cán bộ Sở GDĐT (quản lý)", viewer.RoleManager, root.unit, nil},
		{"canbo", "Cán bộ xã (" + commune.unit.Name + ")", viewer.RoleOfficer, commune.unit, nil},
		{"congtacvien", "Cộng tác viên " + village.unit.Name, viewer.RoleCollaborator, village.unit, nil},
		{"xem", "Cán bộ huyện (chỉ xem)", viewer.RoleViewer, district.unit, nil},
		{"congdan", citizen.Name, viewer.RoleCitizen, village.unit, &citizen.ID},
	}
	for _, a := range accounts {
		password := auth.GeneratePassword(14)
		switch {
		case a.username == "admin" && l.opts.AdminPassword != "":
			password = l.opts.AdminPassword
		case a.username == "quanly" && l.opts.LoadPassword != "":
			password = l.opts.LoadPassword
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		err = l.c.User.Create().SetUsername(a.username).SetFullName(a.fullName).SetPasswordHash(hash).
			SetRole(a.role).SetScopeID(a.scope.ID).SetNillableLearningUnitID(a.learningUnit).Exec(ctx)
		if err != nil {
			return fmt.Errorf("create user %s: %w", a.username, err)
		}
		l.res.Accounts = append(l.res.Accounts, Account{Username: a.username, Password: password, Role: a.role, Scope: a.scope.Name})
	}
	if l.opts.LoadPassword == "" {
		return nil
	}
	// One hash for all the load officers: hashing is deliberately slow, and
	// these synthetic accounts share their password anyway.
	hash, err := auth.HashPassword(l.opts.LoadPassword)
	if err != nil {
		return err
	}
	var builders []*ent.UserCreate
	for _, d := range root.children {
		for _, cm := range d.children {
			builders = append(builders, l.c.User.Create().SetUsername("canbo."+cm.unit.Code).
				SetFullName("Cán bộ "+cm.unit.Name).SetPasswordHash(hash).SetRole(viewer.RoleOfficer).SetScopeID(cm.unit.ID))
		}
	}
	if err := l.c.User.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("create load officers: %w", err)
	}
	return nil
}

// trimType drops the type word of a commune name: "Xã An Hòa" → "An Hòa".
func trimType(name string) string {
	for _, p := range []string{"Xã ", "Phường ", "Thị trấn "} {
		if len(name) > len(p) && name[:len(p)] == p {
			return name[len(p):]
		}
	}
	return name
}
