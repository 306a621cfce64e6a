package demo

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/setup"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

// NationalOptions size the national shape.
type NationalOptions struct {
	// Catalogue is the two-tier catalogue of administrative units after the
	// 2025 reform, as in ../shared/data/units-2025-07-01.csv (columns: Tỉnh
	// Thành Phố, Mã TP, Phường Xã, Mã PX, Cấp).
	Catalogue string
	// HouseholdsPerVillage sizes the learning units; citizens are left out.
	HouseholdsPerVillage int
	Seed                 uint64
	AdminPassword        string
}

// catalogueRow is one commune of the catalogue.
type catalogueRow struct {
	provinceName, provinceCode, name, code, typ string
}

func readCatalogue(path string) ([]catalogueRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if len(header) < 5 {
		return nil, fmt.Errorf("catalogue: want 5 columns (Tỉnh Thành Phố, Mã TP, Phường Xã, Mã PX, Cấp), got %q", header)
	}
	var rows []catalogueRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("catalogue: %w", err)
		}
		rows = append(rows, catalogueRow{rec[0], rec[1], rec[2], rec[3], rec[4]})
	}
	return rows, nil
}

// GenerateNational loads the country after the 2025 reform — its provinces
// and communes from the catalogue, generated villages and households — and
// each province's closed 2025 campaign, into an empty database, the way
// Generate does for one province.
func GenerateNational(ctx context.Context, db *store.DB, opts NationalOptions) (*Result, Timings, error) {
	rows, err := readCatalogue(opts.Catalogue)
	if err != nil {
		return nil, Timings{}, err
	}
	lopts := Options{Seed: opts.Seed, AdminPassword: opts.AdminPassword, HouseholdsPerVillage: opts.HouseholdsPerVillage,
		NoCitizens: true, Years: []int{2025}}
	return generate(ctx, db, func(ctx context.Context) (*Result, error) {
		return withLoader(ctx, db, lopts, func(l *loader, ctx context.Context) (*Result, error) { return l.loadNational(ctx, rows) })
	})
}

func (l *loader) loadNational(ctx context.Context, rows []catalogueRow) (*Result, error) {
	country, err := setup.Country(ctx, l.c)
	if err != nil {
		return nil, err
	}
	l.country = country
	var provinces []*ent.AdminUnit
	byCode := map[string]*placed{}
	var order []*placed
	for _, r := range rows {
		p := byCode[r.provinceCode]
		if p == nil {
			typ := "Tỉnh"
			if strings.HasPrefix(r.provinceName, "Thành phố") {
				typ = "Thành phố"
			}
			u, err := l.unit(ctx, country, r.provinceCode, r.provinceName, adminunit.LevelPROVINCE, typ, false)
			if err != nil {
				return nil, err
			}
			p = &placed{unit: u}
			byCode[r.provinceCode] = p
			order = append(order, p)
			provinces = append(provinces, u)
		}
		cu, err := l.unit(ctx, p.unit, r.code, r.name, adminunit.LevelCOMMUNE, r.typ, false)
		if err != nil {
			return nil, err
		}
		p.children = append(p.children, l.villages(cu, r.typ == "Xã", false))
		l.communePaths[cu.ID] = cu.Path
	}
	if err := l.flushVillages(ctx); err != nil {
		return nil, err
	}
	l.res.Province = provinces[0]
	for _, p := range order {
		if err := l.learningUnits(ctx, p); err != nil {
			return nil, err
		}
	}
	password, err := setup.Admin(ctx, l.c, l.opts.AdminPassword)
	if err != nil {
		return nil, err
	}
	l.res.Accounts = append(l.res.Accounts, Account{Username: "admin", Password: password, Role: viewer.RoleAdmin, Scope: country.Name})
	if err := l.campaigns(ctx, l.years(), provinces...); err != nil {
		return nil, err
	}
	return &l.res, nil
}
