package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/ent/user"
	"hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/reorg"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

// The reorganisation of 1/7/2025 as the demo records it: the National
// Assembly Standing Committee's resolution on the communes of Hưng Yên
// (which also merged Thái Bình into it).
const (
	reformNumber = "1665/NQ-UBTVQH15"
	reformTitle  = "Nghị quyết về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Hưng Yên năm 2025"
	reformSigner = "Ủy ban Thường vụ Quốc hội"
)

var (
	reformSigned    = time.Date(2025, 6, 16, 0, 0, 0, 0, i18n.Vietnam)
	reformEffective = time.Date(2025, 7, 1, 0, 0, 0, 0, i18n.Vietnam)
)

// reformYear is the first campaign year on the tree after the reform:
// campaigns of years before it are loaded on the tree of 2020, the others
// on the new Hưng Yên.
const reformYear = 2025

// merger list errata: the published list names a commune the catalogue of
// 1/3/2025 does not have. Each is applied in code, where it can be read and
// reviewed, rather than guessed by the import: the catalogue's import
// reports such a row and refuses the province until it is corrected.
var mergerErrata = []struct {
	code, wrote, means, why string
}{
	// Row 35 (Xã Hưng Hà, 12586) lists "Xã Kim Trung" among the communes of
	// huyện Hưng Hà; the catalogue's commune of that district is Xã Kim
	// Chung (12664), and no Kim Trung exists in either province.
	{code: "12586", wrote: "Xã Kim Trung", means: "Xã Kim Chung", why: "no Xã Kim Trung in huyện Hưng Hà; the catalogue's 12664 is Xã Kim Chung"},
}

// ApplyReform carries a demo loaded with StopBeforeReform through the
// reorganisation of 1/7/2025 and loads the new Hưng Yên's campaigns (opts'
// years from 2025 on), in one transaction.
func ApplyReform(ctx context.Context, db *store.DB, opts Options) (*Result, error) {
	res, err := withLoader(ctx, db, opts, (*loader).reform)
	if err != nil {
		return nil, err
	}
	if db.Dialect == dialect.Postgres {
		if err := db.Analyze(ctx); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return res, nil
}

// reform applies the reorganisation of 1/7/2025 through the catalogue
// import: the embedded catalogue of the new Hưng Yên and its merger list
// (with mergerErrata) are diffed against the tree of 30/6/2025, recorded
// as the decision, applied by the engine, and the new province's campaigns
// are loaded.
func (l *loader) reform(ctx context.Context) (*Result, error) {
	cat, err := embedded(Units20250701)
	if err != nil {
		return nil, err
	}
	merger, err := embedded(MergeHungYen20250701)
	if err != nil {
		return nil, err
	}
	if err := correctMerger(merger); err != nil {
		return nil, err
	}
	dayBefore := reformEffective.AddDate(0, 0, -1)
	tree, err := catalog.ReadTree(ctx, l.c, dayBefore)
	if err != nil {
		return nil, fmt.Errorf("reform: %w", err)
	}
	diff := catalog.Diff(tree, cat, merger)
	for _, p := range diff.Provinces {
		if p.Code != codeHungYen {
			continue
		}
		if p.Status != catalog.Ready {
			var msgs []string
			for _, is := range p.Issues {
				msgs = append(msgs, is.Message(i18n.EN))
			}
			return nil, fmt.Errorf("reform: Hưng Yên is %s: %s", p.Status, strings.Join(msgs, "; "))
		}
	}
	r, err := reorg.Save(ctx, l.c, 0, reorg.Decision{Number: reformNumber, Title: reformTitle, Signer: reformSigner,
		SignedOn: reformSigned, EffectiveOn: reformEffective}, diff.Spec)
	if err != nil {
		return nil, fmt.Errorf("reform: %w", err)
	}
	if _, _, err := reorg.Apply(ctx, l.c, l.dialect, r.ID); err != nil {
		return nil, fmt.Errorf("reform: %w", err)
	}
	if err := l.reformScopes(ctx); err != nil {
		return nil, err
	}
	province, err := l.c.AdminUnit.Query().
		Where(adminunit.Code(codeHungYen), adminunit.LevelEQ(adminunit.LevelPROVINCE), adminunit.ValidToIsNil()).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("reform: the new Hưng Yên: %w", err)
	}
	l.res.Province = province
	if err := l.reloadUnits(ctx, province); err != nil {
		return nil, err
	}
	var after []int
	for _, y := range l.years() {
		if y >= reformYear {
			after = append(after, y)
		}
	}
	if err := l.campaigns(ctx, after, province); err != nil {
		return nil, err
	}
	// The accounts' scopes as they now are.
	for i, a := range l.res.Accounts {
		u, err := l.c.User.Query().Where(user.Username(a.Username)).WithScope().Only(ctx)
		if err != nil {
			return nil, fmt.Errorf("reform: account %s: %w", a.Username, err)
		}
		l.res.Accounts[i].Scope = u.Edges.Scope.Name
	}
	return &l.res, l.records(ctx)
}

// reformScopes gives the district viewer "xem" the commune that holds
// their former district's seat. The engine lands the users of an
// abolished district on the province by default (widening their scope, as
// the plan warns); the decision's userScopes can only name units that
// exist before it is applied, and the seat's successor is made by it, so
// the demo chooses after the apply, in the same transaction: no account
// ever sees more than before.
func (l *loader) reformScopes(ctx context.Context) error {
	officer, err := l.c.User.Query().Where(user.Username("canbo")).Only(ctx)
	if ent.IsNotFound(err) {
		return nil // not the demo's accounts
	}
	if err != nil {
		return fmt.Errorf("reform: %w", err)
	}
	n, err := l.c.User.Update().Where(user.Username("xem")).SetScopeID(officer.ScopeID).Save(ctx)
	if err != nil || n != 1 {
		return fmt.Errorf("reform: scope of xem (%d updated): %w", n, err)
	}
	return nil
}

// reloadUnits reads the learning units of province as they are after the
// reform (the engine moved them), for its campaigns.
func (l *loader) reloadUnits(ctx context.Context, province *ent.AdminUnit) error {
	units, err := l.c.AdminUnit.Query().Where(adminunit.PathHasPrefix(province.Path)).
		Select(adminunit.FieldID, adminunit.FieldLevel).All(ctx)
	if err != nil {
		return fmt.Errorf("reform: %w", err)
	}
	for _, u := range units {
		l.levels[u.ID] = u.Level
	}
	lus, err := l.c.LearningUnit.Query().Where(learningunit.AdminPathHasPrefix(province.Path)).
		Order(ent.Asc(learningunit.FieldID)).
		Select(learningunit.FieldID, learningunit.FieldKind, learningunit.FieldSubtype, learningunit.FieldAdminUnitID, learningunit.FieldAdminPath).All(ctx)
	if err != nil {
		return fmt.Errorf("reform: %w", err)
	}
	l.units = slices.DeleteFunc(l.units, func(u unitInfo) bool { return strings.HasPrefix(u.adminPath, province.Path) })
	for _, u := range lus {
		if t, ok := titles.For(u.Kind, l.levels[u.AdminUnitID]); ok {
			l.units = append(l.units, unitInfo{id: u.ID, adminUnitID: u.AdminUnitID, adminPath: u.AdminPath, title: t, subtype: progress.Subtype(u.Kind, u.Subtype)})
		}
	}
	return nil
}

// embedded reads one of Data's files as the catalogue import does.
func embedded(name string) (*catalog.Document, error) {
	f, err := Data.Open(name)
	if err != nil {
		return nil, fmt.Errorf("reform: %w", err)
	}
	defer f.Close()
	doc, err := catalog.Read(f, name)
	if err != nil {
		return nil, fmt.Errorf("reform: %w", err)
	}
	return doc, nil
}

// correctMerger applies mergerErrata, failing if an erratum no longer
// matches its row (the list was corrected, or is another list).
func correctMerger(doc *catalog.Document) error {
	if doc.Merger == nil {
		return fmt.Errorf("reform: %s is not a merger list", MergeHungYen20250701)
	}
	for _, e := range mergerErrata {
		done := false
		for i := range doc.Merger.Rows {
			row := &doc.Merger.Rows[i]
			if row.Code != e.code {
				continue
			}
			for j := range row.Formers {
				if row.Formers[j].Name == e.wrote {
					row.Formers[j].Name = e.means
					done = true
				}
			}
		}
		if !done {
			return fmt.Errorf("reform: erratum %s → %s (%s): no row %s names %s", e.wrote, e.means, e.why, e.code, e.wrote)
		}
	}
	return nil
}
