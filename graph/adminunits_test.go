package graph_test

import (
	"cmp"
	"testing"
	"time"

	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

const (
	createAdminUnit = `mutation($in: CreateAdminUnitInput!) { createAdminUnit(input: $in) { adminUnit { id code name type level version validFrom parent { id } } } }`
	updateAdminUnit = `mutation($in: UpdateAdminUnitInput!) { updateAdminUnit(input: $in) { adminUnit { id code name type version } } }`
)

type unitOut struct {
	ID        string  `json:"id"`
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Type      string  `json:"type"`
	Level     string  `json:"level"`
	Version   int     `json:"version"`
	ValidFrom *string `json:"validFrom"`
}

// TestCreateAdminUnitValidation runs bad and good inputs through
// createAdminUnit as ADMIN (and a MANAGER for villages): each bad one is
// refused with the code and field it is about and changes nothing.
func TestCreateAdminUnitValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		ctx := systemCtx()
		// A closed commune of D1, and the two-tier province P2 gets a
		// commune straight under it.
		closed, err := db.AdminUnit.Create().SetParent(fx.D1).SetLevel(adminunit.LevelCOMMUNE).SetType("Xã").
			SetCode("90199").SetName("Xã Đã Nhập").SetValidTo(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		in := func(parent int, level, code, name, typ string, extra ...any) map[string]any {
			return m(append([]any{"parentID", id(parent), "level", level, "code", code, "name", name, "type", typ}, extra...)...)
		}
		for _, tc := range []struct {
			name, user string
			in         map[string]any
			code       string // "" for success
			field      string
			wantType   string
		}{
			{"village", "admin", in(fx.C1.ID, "VILLAGE", "90101.03", "Thôn Đông", "Thôn"), "", "", "Thôn"},
			{"village by manager, type without accents", "manager", in(fx.C1.ID, "VILLAGE", "TDP-4", "Tổ dân phố 4", "to dan pho"), "", "", "Tổ dân phố"},
			{"commune under a district", "admin", in(fx.D1.ID, "COMMUNE", "90103", "Phường Mới", "Phường"), "", "", "Phường"},
			{"commune under a province (two-tier)", "admin", in(fx.P2.ID, "COMMUNE", "91102", "Xã Hải Đông", "Xã"), "", "", "Xã"},
			{"special zone", "admin", in(fx.P2.ID, "COMMUNE", "91103", "Đặc khu Cồn Cỏ", "Đặc khu"), "", "", "Đặc khu"},
			{"district (old tree)", "admin", in(fx.P1.ID, "DISTRICT", "903", "Thị xã Mới", "Thị xã"), "", "", "Thị xã"},
			{"province", "admin", in(fx.Country.ID, "PROVINCE", "92", "Thành phố Mới", "Thành phố"), "", "", "Thành phố"},
			{"valid from", "admin", in(fx.C1.ID, "VILLAGE", "90101.05", "Thôn Bắc", "Thôn", "validFrom", "2026-03-01T00:00:00+07:00"), "", "", "Thôn"},

			{"province code of 3 digits", "admin", in(fx.Country.ID, "PROVINCE", "093", "Tỉnh Sai Mã", "Tỉnh"), "BAD_USER_INPUT", "code", ""},
			{"district code of 2 digits", "admin", in(fx.P1.ID, "DISTRICT", "93", "Huyện Sai Mã", "Huyện"), "BAD_USER_INPUT", "code", ""},
			{"commune code of letters", "admin", in(fx.D1.ID, "COMMUNE", "9010A", "Xã Sai Mã", "Xã"), "BAD_USER_INPUT", "code", ""},
			{"village code with a space", "admin", in(fx.C1.ID, "VILLAGE", "thon 7", "Thôn Bảy", "Thôn"), "BAD_USER_INPUT", "code", ""},
			{"empty code", "admin", in(fx.C1.ID, "VILLAGE", " ", "Thôn Tám", "Thôn"), "BAD_USER_INPUT", "code", ""},
			{"commune code taken nationally", "admin", in(fx.D2.ID, "COMMUNE", "90101", "Xã Trùng Mã", "Xã"), "CONFLICT", "code", ""},
			{"village code taken in the commune", "admin", in(fx.C1.ID, "VILLAGE", "90101.01", "Thôn Trùng Mã", "Thôn"), "CONFLICT", "code", ""},
			{"code of a closed commune is free", "admin", in(fx.D2.ID, "COMMUNE", "90199", "Xã Kế Tục", "Xã"), "", "", "Xã"},
			{"name taken, accents and case aside", "admin", in(fx.C1.ID, "VILLAGE", "90101.09", "thon 1", "Thôn"), "CONFLICT", "name", ""},
			{"name taken in another tone-mark style", "admin", in(fx.D1.ID, "COMMUNE", "90104", "Xã Hoà Lạc", "Xã"), "CONFLICT", "name", ""},
			{"name of a closed sibling is free", "admin", in(fx.D1.ID, "COMMUNE", "90105", "Xã Đã Nhập", "Xã"), "", "", "Xã"},
			{"empty name", "admin", in(fx.C1.ID, "VILLAGE", "90101.10", "", "Thôn"), "BAD_USER_INPUT", "name", ""},
			{"type of another level", "admin", in(fx.C1.ID, "VILLAGE", "90101.11", "Xã Trong Xã", "Xã"), "BAD_USER_INPUT", "type", ""},
			{"unknown type", "admin", in(fx.D1.ID, "COMMUNE", "90106", "Làng Lạ", "Làng"), "BAD_USER_INPUT", "type", ""},
			{"empty type", "admin", in(fx.D1.ID, "COMMUNE", "90107", "Xã Không Loại", ""), "BAD_USER_INPUT", "type", ""},
			{"village under a district", "admin", in(fx.D1.ID, "VILLAGE", "901.1", "Thôn Lạc", "Thôn"), "BAD_USER_INPUT", "level", ""},
			{"district under a district", "admin", in(fx.D1.ID, "DISTRICT", "904", "Huyện Con", "Huyện"), "BAD_USER_INPUT", "level", ""},
			{"commune under the country", "admin", in(fx.Country.ID, "COMMUNE", "90108", "Xã Trung Ương", "Xã"), "BAD_USER_INPUT", "level", ""},
			{"anything under a village", "admin", in(fx.V1a.ID, "VILLAGE", "x1", "Xóm Con", "Xóm"), "BAD_USER_INPUT", "level", ""},
			{"closed parent", "admin", in(closed.ID, "VILLAGE", "90199.01", "Thôn Cũ", "Thôn"), "BAD_USER_INPUT", "parentID", ""},
			{"missing parent", "admin", in(fx.V4a.ID+100000, "VILLAGE", "1", "Thôn Ma", "Thôn"), "NOT_FOUND", "parentID", ""},

			{"manager: village in another province", "manager", in(fx.C4.ID, "VILLAGE", "91101.02", "Thôn Xa", "Thôn"), "FORBIDDEN", "parentID", ""},
			{"manager: a commune", "manager", in(fx.D1.ID, "COMMUNE", "90109", "Xã Của Quản Lý", "Xã"), "FORBIDDEN", "parentID", ""},
			{"manager: bad commune still forbidden", "manager", in(fx.D1.ID, "COMMUNE", "x", "", ""), "FORBIDDEN", "", ""},
			{"manager: closed commune's village", "manager", in(closed.ID, "VILLAGE", "90199.02", "Thôn Cũ Hai", "Thôn"), "BAD_USER_INPUT", "parentID", ""},
			{"officer", "officer", in(fx.C1.ID, "VILLAGE", "90101.12", "Thôn Của Cán Bộ", "Thôn"), "FORBIDDEN", "", ""},
			{"viewer", "viewer", in(fx.C1.ID, "VILLAGE", "90101.13", "Thôn Của Người Xem", "Thôn"), "FORBIDDEN", "", ""},
			{"citizen", "citizen", in(fx.C1.ID, "VILLAGE", "90101.14", "Thôn Của Công Dân", "Thôn"), "FORBIDDEN", "", ""},
			{"anonymous", "", in(fx.C1.ID, "VILLAGE", "90101.15", "Thôn Vô Danh", "Thôn"), "UNAUTHENTICATED", "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, err := db.AdminUnit.Query().Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				r := a.as(tc.user, createAdminUnit, m("in", tc.in))
				if tc.code != "" {
					if r.code() != tc.code || tc.field != "" && r.field() != tc.field {
						t.Fatalf("got %s on %q (%+v), want %s on %q", r.code(), r.field(), r.Errors, tc.code, tc.field)
					}
					if after, _ := db.AdminUnit.Query().Count(ctx); after != before {
						t.Errorf("refused, but %d units became %d", before, after)
					}
					return
				}
				var out struct{ CreateAdminUnit struct{ AdminUnit unitOut } }
				r.decode(t, &out)
				u := out.CreateAdminUnit.AdminUnit
				if u.Type != tc.wantType || u.Code != tc.in["code"] || u.Level != tc.in["level"] || u.Version != 1 {
					t.Errorf("created %+v from %v", u, tc.in)
				}
				if tc.in["validFrom"] != nil {
					// 1/3 at midnight in Vietnam.
					if got := u.ValidFrom; got == nil || *got != "2026-02-28T17:00:00Z" {
						t.Errorf("validFrom %q, want the day the client wrote", *cmp.Or(got, new(string)))
					}
				}
				// The new unit is found by an accent-free search, as its
				// creator: its search keys and path were made with it.
				var found struct {
					AdminUnits struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
				a.as(tc.user, `query($q: String!) { adminUnits(search: $q, first: 5) { edges { node { id } } } }`,
					m("q", tc.in["name"])).decode(t, &found)
				hit := false
				for _, e := range found.AdminUnits.Edges {
					hit = hit || e.Node.ID == u.ID
				}
				if !hit {
					t.Errorf("search for %q found %+v, want %s", tc.in["name"], found, u.ID)
				}
				entry, err := db.AuditLog.Query().Where(auditlog.TargetID(mustAtoi(t, u.ID)), auditlog.Action("admin_unit.create")).Only(ctx)
				if err != nil {
					t.Fatalf("audit entry: %v", err)
				}
				if entry.ActorName != tc.user || entry.Details["name"] != tc.in["name"] || entry.Details["code"] != tc.in["code"] {
					t.Errorf("audit entry %+v", entry)
				}
			})
		}
	})
}

// TestUpdateAdminUnit renames, retypes and recodes units in place: the
// version rises, the audit entry holds the old and new values, a stale
// version is CONFLICT, a closed unit cannot change, and a MANAGER may
// change only the villages of their province.
func TestUpdateAdminUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		ctx := systemCtx()

		var out struct{ UpdateAdminUnit struct{ AdminUnit unitOut } }
		a.as("manager", updateAdminUnit, m("in", m("id", id(fx.V1a.ID), "name", "Thôn Đông Hòa", "type", "lang", "code", "DH", "expectedVersion", 1))).decode(t, &out)
		if u := out.UpdateAdminUnit.AdminUnit; u.Name != "Thôn Đông Hòa" || u.Type != "Làng" || u.Code != "DH" || u.Version != 2 {
			t.Fatalf("updated %+v", u)
		}
		entry, err := db.AuditLog.Query().Where(auditlog.TargetID(fx.V1a.ID), auditlog.Action("admin_unit.update")).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{"name": {"Thôn 1", "Thôn Đông Hòa"}, "type": {"Thôn", "Làng"}, "code": {"90101.01", "DH"}}
		for f, w := range want {
			ch, _ := entry.Details[f].(map[string]any)
			if ch["from"] != w[0] || ch["to"] != w[1] {
				t.Errorf("audit %s: %v, want %v", f, entry.Details[f], w)
			}
		}
		if entry.ScopePath != fx.V1a.Path || entry.ActorName != "manager" {
			t.Errorf("audit entry at %q by %q", entry.ScopePath, entry.ActorName)
		}
		// The manager reads the entry: it lies in their scope.
		var logs struct {
			AuditLogs struct{ TotalCount int }
		}
		a.as("manager", `{ auditLogs(where: {action: "admin_unit.update"}) { totalCount } }`, nil).decode(t, &logs)
		if logs.AuditLogs.TotalCount != 1 {
			t.Errorf("manager reads %d entries, want 1", logs.AuditLogs.TotalCount)
		}

		closed, err := db.AdminUnit.Create().SetParent(fx.C1).SetLevel(adminunit.LevelVILLAGE).SetType("Thôn").
			SetCode("90101.99").SetName("Thôn Cũ").SetValidTo(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, user string
			id         int
			in         map[string]any
			version    any
			code       string
			field      string
		}{
			{"stale version", "admin", fx.V1a.ID, m("name", "Thôn Khác"), 1, "CONFLICT", "expectedVersion"},
			{"name of a sibling", "admin", fx.V1a.ID, m("name", "THÔN 2"), nil, "CONFLICT", "name"},
			{"code of a sibling", "admin", fx.V1a.ID, m("code", "90101.02"), nil, "CONFLICT", "code"},
			{"commune code of 4 digits", "admin", fx.C1.ID, m("code", "9010"), nil, "BAD_USER_INPUT", "code"},
			{"commune typed as a village", "admin", fx.C1.ID, m("type", "Thôn"), nil, "BAD_USER_INPUT", "type"},
			{"empty name", "admin", fx.C2.ID, m("name", "  "), nil, "BAD_USER_INPUT", "name"},
			{"closed unit", "admin", closed.ID, m("name", "Thôn Mới"), nil, "BAD_USER_INPUT", "id"},
			{"manager: a commune", "manager", fx.C1.ID, m("name", "Xã Mới"), nil, "FORBIDDEN", "id"},
			{"manager: another province's village", "manager", fx.V4a.ID, m("name", "Thôn Mới"), nil, "FORBIDDEN", "id"},
			{"manager: a commune with a stale version", "manager", fx.C1.ID, m("name", ""), 99, "FORBIDDEN", "id"},
			{"officer", "officer", fx.V1b.ID, m("name", "Thôn Mới"), nil, "FORBIDDEN", ""},
			{"viewer", "viewer", fx.V1b.ID, m("name", "Thôn Mới"), nil, "FORBIDDEN", ""},
			{"citizen", "citizen", fx.V1b.ID, m("name", "Thôn Mới"), nil, "FORBIDDEN", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, err := db.AdminUnit.Get(ctx, tc.id)
				if err != nil {
					t.Fatal(err)
				}
				r := a.as(tc.user, updateAdminUnit, m("in", with(tc.in, "id", id(tc.id), "expectedVersion", tc.version)))
				if r.code() != tc.code || tc.field != "" && r.field() != tc.field {
					t.Fatalf("got %s on %q (%+v), want %s on %q", r.code(), r.field(), r.Errors, tc.code, tc.field)
				}
				after, err := db.AdminUnit.Get(ctx, tc.id)
				if err != nil {
					t.Fatal(err)
				}
				if after.Version != before.Version || after.Name != before.Name || after.Code != before.Code || after.Type != before.Type {
					t.Errorf("refused, but %+v became %+v", before, after)
				}
			})
		}

		// The admin renames a commune; a rename that changes nothing is
		// no change (no new version, no entry).
		a.as("admin", updateAdminUnit, m("in", m("id", id(fx.C2.ID), "name", "Xã Hoà Lạc Mới", "expectedVersion", 1))).decode(t, &out)
		if out.UpdateAdminUnit.AdminUnit.Version != 2 {
			t.Errorf("commune at version %d after a rename", out.UpdateAdminUnit.AdminUnit.Version)
		}
		a.as("admin", updateAdminUnit, m("in", m("id", id(fx.C2.ID), "name", "Xã Hoà Lạc Mới", "type", "xa"))).decode(t, &out)
		if out.UpdateAdminUnit.AdminUnit.Version != 2 {
			t.Errorf("an empty change made version %d", out.UpdateAdminUnit.AdminUnit.Version)
		}
		n, err := db.AuditLog.Query().Where(auditlog.TargetID(fx.C2.ID)).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("%d entries for the commune (%v), want 1", n, err)
		}
	})
}

// TestAdminUnitHistory: a unit answers what it was formed from and what it
// became, with its dates, as the reorganisations will record them.
func TestAdminUnitHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		a := newAPI(t, db, fx)
		ctx := systemCtx()
		from := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		successor, err := db.AdminUnit.Create().SetParent(fx.P1).SetLevel(adminunit.LevelCOMMUNE).SetType("Xã").
			SetCode("90101").SetName("Xã An Hòa").SetValidFrom(from).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, old := range []int{fx.C1.ID, fx.C2.ID} {
			if err := db.AdminUnit.UpdateOneID(old).SetValidTo(from.AddDate(0, 0, -1)).SetMergedInto(successor).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		const q = `query($id: ID!) { node(id: $id) { ... on AdminUnit { name validFrom validTo
			mergedInto { name validFrom } mergedFrom { name validTo } } } }`
		type unit struct {
			Name, ValidFrom, ValidTo string
			MergedInto               *unit
			MergedFrom               []unit
		}
		var got struct{ Node unit }
		a.as("manager", q, m("id", id(successor.ID))).decode(t, &got)
		if got.Node.ValidFrom != "2025-07-01T00:00:00Z" || len(got.Node.MergedFrom) != 2 ||
			got.Node.MergedFrom[0].ValidTo != "2025-06-30T00:00:00Z" || got.Node.MergedFrom[1].ValidTo != "2025-06-30T00:00:00Z" {
			t.Errorf("successor: %+v", got.Node)
		}
		got = struct{ Node unit }{}
		a.as("manager", q, m("id", id(fx.C1.ID))).decode(t, &got)
		if got.Node.MergedInto == nil || got.Node.MergedInto.Name != "Xã An Hòa" || got.Node.ValidTo != "2025-06-30T00:00:00Z" {
			t.Errorf("merged commune: %+v", got.Node)
		}
		// A closed unit cannot be renamed: its history is fixed.
		if r := a.as("admin", updateAdminUnit, m("in", m("id", id(fx.C1.ID), "name", "Xã Khác"))); r.code() != "BAD_USER_INPUT" {
			t.Errorf("renaming a merged commune: %s", r.code())
		}
	})
}
