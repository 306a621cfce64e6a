package graph

import (
	"context"
	"strings"
	"testing"

	"hoctap/ent"
	"hoctap/internal/apperr"
	"hoctap/internal/viewer"
)

// TestNarrowEdges checks how one where-input's edge predicates are narrowed:
// once each, `has…: true/false` rewritten, nothing for an ADMIN, and refused
// without a viewer.
func TestNarrowEdges(t *testing.T) {
	officer := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 1, Role: viewer.RoleOfficer, ScopePath: "/1/2/3/"})
	admin := viewer.NewContext(context.Background(), &viewer.Viewer{UserID: 2, Role: viewer.RoleAdmin, ScopePath: "/1/"})
	yes, no := true, false
	for _, tt := range []struct {
		name  string
		ctx   context.Context
		in    ent.LearningUnitWhereInput
		check func(t *testing.T, w ent.LearningUnitWhereInput)
	}{
		{"hasAdminUnitWith narrowed once", officer,
			ent.LearningUnitWhereInput{HasAdminUnitWith: []*ent.AdminUnitWhereInput{{}, {}}},
			func(t *testing.T, w ent.LearningUnitWhereInput) {
				for _, n := range w.HasAdminUnitWith {
					if len(n.Predicates) != 1 {
						t.Errorf("neighbour carries %d predicates, want the scope once", len(n.Predicates))
					}
				}
			}},
		{"hasAdminUnit: true is a narrowed hasAdminUnitWith", officer,
			ent.LearningUnitWhereInput{HasAdminUnit: &yes},
			func(t *testing.T, w ent.LearningUnitWhereInput) {
				if w.HasAdminUnit != nil || len(w.HasAdminUnitWith) != 1 || len(w.HasAdminUnitWith[0].Predicates) != 1 {
					t.Errorf("got %+v, want one narrowed hasAdminUnitWith", w)
				}
			}},
		{"hasChildren: false is not a narrowed hasChildrenWith", officer,
			ent.LearningUnitWhereInput{HasChildren: &no},
			func(t *testing.T, w ent.LearningUnitWhereInput) {
				if w.HasChildren != nil || len(w.And) != 1 || w.And[0].Not == nil ||
					len(w.And[0].Not.HasChildrenWith) != 1 || len(w.And[0].Not.HasChildrenWith[0].Predicates) != 1 {
					t.Errorf("got %+v, want and: [not: hasChildrenWith narrowed]", w)
				}
			}},
		{"an ADMIN reads everything", admin,
			ent.LearningUnitWhereInput{HasRegistrationsWith: []*ent.RegistrationWhereInput{{}}},
			func(t *testing.T, w ent.LearningUnitWhereInput) {
				if len(w.HasRegistrationsWith[0].Predicates) != 0 {
					t.Errorf("admin's neighbour narrowed: %+v", w.HasRegistrationsWith[0])
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inScope(tt.ctx, nil, func(context.Context) (any, error) { return tt.in, nil })
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got.(ent.LearningUnitWhereInput))
		})
	}
	_, err := inScope(context.Background(), nil, func(context.Context) (any, error) {
		return ent.LearningUnitWhereInput{HasParentWith: []*ent.LearningUnitWhereInput{{}}}, nil
	})
	if err == nil {
		t.Error("an edge predicate without a viewer was let through")
	}
}

// TestWhereCost checks the caps on a where-input's size.
func TestWhereCost(t *testing.T) {
	nest := func(depth int) any {
		var w any = map[string]any{"name": "x"}
		for range depth {
			w = map[string]any{"not": w}
		}
		return w
	}
	terms := func(n int) any {
		or := make([]any, n)
		for i := range or {
			or[i] = map[string]any{"name": "x"}
		}
		return map[string]any{"or": or}
	}
	ids := func(n int) any {
		l := make([]any, n)
		for i := range l {
			l[i] = "1"
		}
		return map[string]any{"idIn": l}
	}
	for _, tt := range []struct {
		name  string
		where any
		field string // "" when allowed
		msg   string
	}{
		{"everyday filter", map[string]any{"kind": "HOUSEHOLD", "hasAdminUnitWith": []any{map[string]any{"id": "5"}}}, "", ""},
		{"deep enough", nest(MaxWhereDepth - 2), "", ""},
		{"too deep", nest(MaxWhereDepth + 1), "where", "too deeply"},
		{"2,000 nested not", nest(2000), "where", "too deeply"},
		{"many terms", terms(MaxWhereTerms / 3), "", ""},
		{"1,000-term or", terms(1000), "where", "too many conditions"},
		{"5,000-term or", terms(5000), "or", "too long"},
		{"a page of ids", ids(100), "", ""},
		{"40,000 ids", ids(40000), "idIn", "too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := whereCost(tt.where, 0, &n)
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.field != "" && err == nil:
				t.Error("allowed")
			case tt.field != "" && (err.Code != apperr.BadUserInput || err.Field != tt.field || !strings.Contains(err.Error(), tt.msg)):
				t.Errorf("got %v, want BAD_USER_INPUT on %s saying %q", err, tt.field, tt.msg)
			}
		})
	}
}
