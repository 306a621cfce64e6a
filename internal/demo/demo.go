// Package demo loads the story of Thái Bình into an empty database: Thái
// Bình and the old Hưng Yên as they stood before the 2025 reform, their
// real districts and communes from the official catalogue (embedded, see
// Data), generated villages and learning units at a chosen scale, the
// campaigns of 2019 and 2020 and one account of every role in Thái Bình;
// then the reorganisation of 1/7/2025 through the catalogue import, and the
// new Hưng Yên's campaigns of 2025 (closed) and 2026 (under evaluation).
package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
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
	// Years are the campaigns to load, of 2019, 2020, 2021 (Thái Bình, on
	// the tree of 2020), 2025 and 2026 (the new Hưng Yên after the reform,
	// or the national shape); nil loads 2019, 2020, 2025 and 2026. The old
	// Hưng Yên gets those of 2019 and 2020 only. Thái Bình's 2021, still
	// open, cannot be loaded with the reform: the engine refuses to merge a
	// province whose campaign is open.
	Years []int
	// StopBeforeReform leaves the demo on the tree of 2020: the reform of
	// 1/7/2025 and the campaigns after it are not loaded (ApplyReform
	// loads them later). The reform needs both provinces; with Thái Bình
	// alone there is none.
	StopBeforeReform bool
	// Provinces are the codes of the catalogue's provinces to load: Thái
	// Bình (34), the demo's own, and the old Hưng Yên (33); nil loads both.
	Provinces []string
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

// Load loads the demo provinces in one transaction. Real units, accounts
// and campaigns go through ent and its hooks; the generated villages, the
// learning units, registrations, evaluations and decisions are written in
// bulk.
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
	l := newLoader(tx, opts)
	l.dialect = db.Dialect
	res, err := load(l, ctx)
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
	return &loader{tx: tx, c: tx.Client, r: rand.New(rand.NewPCG(opts.Seed, 34)), opts: opts,
		levels: map[int]adminunit.Level{}, communePaths: map[int]string{}}
}

type loader struct {
	tx *bulk.Tx
	// dialect is the database's, for the reorganisation engine.
	dialect string
	c       *ent.Client
	r       *rand.Rand
	opts    Options
	res     Result
	// country is the root unit, the scope of user admin.
	country *ent.AdminUnit
	// pending learning units, written in bulk by flush.
	pending []*ent.LearningUnit
	// pendingVillages are written in bulk by flushVillages once every other
	// unit is created (bulk.Tx reserves ids past those ent has written), and
	// communePaths are their parents' paths.
	pendingVillages []*ent.AdminUnit
	communePaths    map[int]string
	// units are the learning units written, for the campaigns.
	units []unitInfo
	// levels of the admin units created, by id.
	levels map[int]adminunit.Level
	// citizen is the record of the demo CITIZEN account, -1 for none, 0
	// before demoCitizen has looked (records.go).
	citizen int
}

// Units of the demo tree, kept to pick account scopes and place units.
type placed struct {
	unit     *ent.AdminUnit
	children []*placed
}

func (l *loader) load(ctx context.Context) (*Result, error) {
	catalogue, err := provincesBefore2025()
	if err != nil {
		return nil, err
	}
	country, err := setup.Country(ctx, l.c)
	if err != nil {
		return nil, err
	}
	l.country = country
	var roots []*placed
	for _, p := range catalogue {
		if !slices.Contains(l.provinces(), p.Code) {
			continue
		}
		root, err := l.province(ctx, p)
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	if len(roots) == 0 || roots[0].unit.Code != codeThaiBinh {
		return nil, fmt.Errorf("provinces %v: Thái Bình (%s) is the demo's own and must be loaded", l.opts.Provinces, codeThaiBinh)
	}
	root := roots[0]
	l.res.Province = root.unit
	if err := l.flushVillages(ctx); err != nil {
		return nil, err
	}
	for _, r := range roots {
		if err := l.learningUnits(ctx, r); err != nil {
			return nil, err
		}
	}
	if err := l.accounts(ctx, root); err != nil {
		return nil, err
	}
	var before, past []int
	for _, y := range l.years() {
		if y < reformYear {
			before = append(before, y)
		}
		if y <= 2020 {
			past = append(past, y)
		}
	}
	if err := l.campaigns(ctx, before, root.unit); err != nil {
		return nil, err
	}
	// The old Hưng Yên's past campaigns: out of the demo accounts' reach
	// until the reform, they show what a province boundary hides.
	for _, r := range roots[1:] {
		if err := l.campaigns(ctx, past, r.unit); err != nil {
			return nil, err
		}
	}
	if l.opts.StopBeforeReform || len(roots) < 2 {
		return &l.res, l.records(ctx)
	}
	return l.reform(ctx)
}

// provinces are the codes of the provinces to load.
func (l *loader) provinces() []string {
	if l.opts.Provinces == nil {
		return []string{codeThaiBinh, codeHungYen}
	}
	return l.opts.Provinces
}

// years are the years of the campaigns to load.
func (l *loader) years() []int {
	if l.opts.Years == nil {
		return []int{2019, 2020, 2025, 2026}
	}
	return l.opts.Years
}

// province creates a province of the catalogue with its districts,
// communes and generated villages.
func (l *loader) province(ctx context.Context, p cataloguedProvince) (*placed, error) {
	pu, err := l.unit(ctx, l.country, p.Code, p.Name, adminunit.LevelPROVINCE, typeOf(p.Name), false)
	if err != nil {
		return nil, err
	}
	root := &placed{unit: pu}
	for _, d := range p.Districts {
		du, err := l.unit(ctx, pu, d.Code, d.Name, adminunit.LevelDISTRICT, d.Type, false)
		if err != nil {
			return nil, err
		}
		dp := &placed{unit: du}
		root.children = append(root.children, dp)
		// A stand-in for the especially disadvantaged coastal communes (xã
		// bãi ngang ven biển) of the coastal districts: their last five
		// rural communes in the catalogue's order, not the official list.
		poor := map[string]bool{}
		if coastal[d.Code] {
			for i := len(d.Communes) - 1; i >= 0 && len(poor) < 5; i-- {
				if c := d.Communes[i]; c.Type == "Xã" {
					poor[c.Code] = true
				}
			}
		}
		for _, c := range d.Communes {
			cu, err := l.unit(ctx, du, c.Code, c.Name, adminunit.LevelCOMMUNE, c.Type, poor[c.Code])
			if err != nil {
				return nil, err
			}
			dp.children = append(dp.children, l.villages(cu, c.Type == "Xã", poor[c.Code]))
			l.communePaths[cu.ID] = cu.Path
		}
	}
	return root, nil
}

// villages places 6 to 10 villages (thôn) in a rural commune, residential
// groups (tổ dân phố) in a ward or town. They are written in bulk by
// flushVillages: generated, and most of the demo's units.
func (l *loader) villages(commune *ent.AdminUnit, rural, poor bool) *placed {
	cp := &placed{unit: commune}
	n := 6 + l.r.IntN(5)
	for v := 1; v <= n; v++ {
		name, typ := "Thôn "+strconv.Itoa(v), "Thôn"
		if !rural {
			name, typ = "Tổ dân phố "+strconv.Itoa(v), "Tổ dân phố"
		}
		vu := &ent.AdminUnit{Code: commune.Code + "." + fmt.Sprintf("%02d", v), Name: name, Level: adminunit.LevelVILLAGE,
			Type: typ, Disadvantaged: poor, ParentID: &commune.ID, Depth: commune.Depth + 1}
		l.pendingVillages = append(l.pendingVillages, vu)
		cp.children = append(cp.children, &placed{unit: vu})
	}
	return cp
}

// adminUnitColumns are the columns flushVillages writes; the hooks of
// derive fill the same ones for a unit created through ent.
var adminUnitColumns = []string{
	adminunit.FieldID, adminunit.FieldCreatedAt, adminunit.FieldUpdatedAt, adminunit.FieldVersion,
	adminunit.FieldCode, adminunit.FieldName, adminunit.FieldNameKey, adminunit.FieldLevel, adminunit.FieldType,
	adminunit.FieldDisadvantaged, adminunit.FieldPath, adminunit.FieldDepth, adminunit.FieldParentID,
}

// flushVillages writes the pending villages and their search keys in bulk,
// giving them their ids and paths.
func (l *loader) flushVillages(ctx context.Context) error {
	all := l.pendingVillages
	l.pendingVillages = nil
	if len(all) == 0 {
		return nil
	}
	first, err := l.tx.IDs(ctx, adminunit.Table, len(all))
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	rows := make([][]any, len(all))
	var keys [][]any
	for i, u := range all {
		u.ID = first + i
		u.Path = l.communePaths[*u.ParentID] + strconv.Itoa(u.ID) + "/"
		u.CreatedAt, u.UpdatedAt, u.Version = now, now, 1
		rows[i] = []any{u.ID, now, now, 1, u.Code, u.Name, textnorm.SortKey(u.Name), string(u.Level), u.Type,
			u.Disadvantaged, u.Path, u.Depth, *u.ParentID}
		for _, k := range textnorm.Keys(u.Name) {
			keys = append(keys, []any{0, k, u.ID, u.Path})
		}
		l.levels[u.ID] = u.Level
	}
	if err := l.tx.Insert(ctx, adminunit.Table, adminUnitColumns, rows); err != nil {
		return err
	}
	l.res.AdminUnits += len(all)
	return l.insertKeys(ctx, keys)
}

// insertKeys writes search keys in bulk, giving them their ids.
func (l *loader) insertKeys(ctx context.Context, keys [][]any) error {
	first, err := l.tx.IDs(ctx, searchkey.Table, len(keys))
	if err != nil {
		return err
	}
	for i := range keys {
		keys[i][0] = first + i
	}
	return l.tx.Insert(ctx, searchkey.Table, []string{searchkey.FieldID, searchkey.FieldKey, searchkey.FieldOwnerID, searchkey.FieldScopePath}, keys)
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
	// Communes go in batches of about batchRows learning units, each batch
	// in three bulk writes (clans and organisations, households, citizens):
	// few statements at the tests' scale, bounded memory at full scale.
	perVillage := l.scaled(householdsPerVillage, 1)
	if l.opts.HouseholdsPerVillage > 0 {
		perVillage = l.opts.HouseholdsPerVillage
	}
	const batchRows = 50000
	for len(communes) > 0 {
		n, rows := 0, 0
		for n < len(communes) && (n == 0 || rows < batchRows) {
			rows += len(communes[n].children) * perVillage * 3
			n++
		}
		if err := l.communes(ctx, communes[:n], perVillage); err != nil {
			return err
		}
		communes = communes[n:]
	}
	return nil
}

// communes places the clans and organisations of communes and the
// households and citizens of their villages.
func (l *loader) communes(ctx context.Context, communes []*placed, perVillage int) error {
	for _, cm := range communes {
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
	}
	written, err := l.flush(ctx)
	if err != nil {
		return err
	}
	clans := map[int][]int{} // by commune
	for _, u := range written {
		if u.Kind == learningunit.KindCLAN {
			clans[u.AdminUnitID] = append(clans[u.AdminUnitID], u.ID)
		}
	}
	for _, cm := range communes {
		c := cm.unit
		clanIDs := clans[c.ID]
		for _, v := range cm.children {
			for i := range perVillage {
				head := person(l.r, l.r.IntN(4) == 0)
				adults := 1 + l.r.IntN(3)
				// Villages number their households: the code is what an
				// export and a re-import know a household by.
				h := &ent.LearningUnit{Kind: learningunit.KindHOUSEHOLD, Code: fmt.Sprintf("H%03d", i+1), Name: "Hộ " + head, HeadName: head,
					Address:     v.unit.Name + ", " + c.Name,
					MemberCount: adults + l.r.IntN(4), AdultCount: adults, AdminUnitID: v.unit.ID, AdminPath: v.unit.Path}
				if len(clanIDs) > 0 && l.r.IntN(3) == 0 {
					h.ParentID = &clanIDs[l.r.IntN(len(clanIDs))]
				}
				l.add(h)
			}
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
		names := make([]string, 0, h.AdultCount)
		for a := range h.AdultCount {
			name := h.HeadName
			// Two members of a household never share a full name: a list
			// naming one twice is refused as a repeated row.
			for a > 0 && (name == h.HeadName || slices.Contains(names, name)) {
				name = person(l.r, a%2 == 1)
			}
			names = append(names, name)
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
	learningunit.FieldKind, learningunit.FieldSubtype, learningunit.FieldCode, learningunit.FieldName, learningunit.FieldNameKey, learningunit.FieldHeadName,
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
		rows[i] = []any{u.ID, now, now, 1, string(u.Kind), sub, nullable(u.Code), u.Name, textnorm.SortKey(u.Name), nullable(u.HeadName), nullable(u.Address),
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
	if err := l.insertKeys(ctx, keys); err != nil {
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
	// The town of Huyện Đông Hưng, its first residential group and one of
	// its citizens.
	var district, commune *placed
	for _, d := range root.children {
		if d.unit.Code == "340" {
			district = d
		}
	}
	if district == nil {
		return fmt.Errorf("no Huyện Đông Hưng (340) in %s", root.unit.Name)
	}
	commune = district.children[0]
	for _, c := range district.children {
		if c.unit.Type == "Thị trấn" {
			commune = c
			break
		}
	}
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
