package graph_test

import (
	"bytes"
	"testing"

	"hoctap/ent"
	"hoctap/internal/dbtest"
	"hoctap/internal/fixture"
	"hoctap/internal/store"
)

// TestNodePlansAnswerAsCollectedAfresh: node(id:) keeps its field
// collection between requests (ent/plan.go). Each request below follows one
// of the same operation that differs in one thing the collection reads: the
// viewer, whose read filter narrows a where-input's edge predicate; a
// variable of a where-input; a variable that decides which of two node
// fields merge. It must answer as a handler that never served the first,
// and each case is checked to tell the two requests apart when both are
// collected afresh, so that a plan served to the wrong request would show;
// and the same request asked again must be served from its plan.
func TestNodePlansAnswerAsCollectedAfresh(t *testing.T) {
	const (
		// An officer of C1 reads P1 and D1 above their commune, not C2
		// beside it: narrowed, D1 has no child 90102 they may read.
		childrenHaving = `query($p: ID!) { node(id: $p) { ... on AdminUnit { id
			children(first: 10, where: {hasChildrenWith: {code: "90102"}}) { edges { node { code } } } } } }`
		registrationsOf = `query($h: ID!, $c: ID!) { node(id: $h) { ... on LearningUnit { id
			registrations(first: 5, where: {hasCampaignWith: {id: $c}}) { edges { node { id title } } } } } }`
		merged = `query($h: ID!, $more: Boolean!) { node(id: $h) { ... on LearningUnit { id } }
			node(id: $h) @include(if: $more) { ... on LearningUnit { name headName } } }`
	)
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
		setup := newAPI(t, db, fx)
		reg := registered(t, setup, 1)
		var other struct {
			CreateCampaign struct{ Campaign struct{ ID string } }
		}
		setup.must(t, "manager", `mutation($p: ID!) { createCampaign(input: {provinceID: $p, year: 2022}) { campaign { id } } }`, m("p", id(fx.P1.ID)), &other)
		household := id(fx.Households[fx.V1a.Code][0].ID)

		type request struct {
			user string
			vars map[string]any
		}
		for _, tc := range []struct {
			name        string
			query       string
			first, then request
		}{
			{"an admin's, then an officer's", childrenHaving, request{"admin", m("p", id(fx.P1.ID))}, request{"officer", m("p", id(fx.P1.ID))}},
			{"an officer's, then an admin's", childrenHaving, request{"officer", m("p", id(fx.P1.ID))}, request{"admin", m("p", id(fx.P1.ID))}},
			{"one campaign's, then another's", registrationsOf,
				request{"officer", m("h", household, "c", reg.campaign)}, request{"officer", m("h", household, "c", other.CreateCampaign.Campaign.ID)}},
			{"another campaign's, then the one's", registrationsOf,
				request{"officer", m("h", household, "c", other.CreateCampaign.Campaign.ID)}, request{"officer", m("h", household, "c", reg.campaign)}},
			{"one node field, then two merged", merged, request{"officer", m("h", household, "more", false)}, request{"officer", m("h", household, "more", true)}},
			{"two node fields merged, then one", merged, request{"officer", m("h", household, "more", true)}, request{"officer", m("h", household, "more", false)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := newAPI(t, db, fx)
				if r := a.as(tc.first.user, tc.query, tc.first.vars); len(r.Errors) > 0 {
					t.Fatalf("first request: %+v", r.Errors)
				}
				got := a.as(tc.then.user, tc.query, tc.then.vars)
				want := newAPI(t, db, fx).as(tc.then.user, tc.query, tc.then.vars)
				if len(got.Errors) > 0 || len(want.Errors) > 0 {
					t.Fatalf("errors: %+v, afresh %+v", got.Errors, want.Errors)
				}
				if !bytes.Equal(got.Data, want.Data) {
					t.Errorf("after the first request: %s\ncollected afresh: %s", got.Data, want.Data)
				}
				// Asked again, the same request is served from its plan.
				served, _ := ent.PlanCounts()
				again := a.as(tc.then.user, tc.query, tc.then.vars)
				if now, _ := ent.PlanCounts(); now == served {
					t.Error("the same request again was collected afresh, not served from its plan")
				}
				if !bytes.Equal(again.Data, want.Data) {
					t.Errorf("served from its plan: %s\ncollected afresh: %s", again.Data, want.Data)
				}
				if first := newAPI(t, db, fx).as(tc.first.user, tc.query, tc.first.vars); bytes.Equal(first.Data, want.Data) {
					t.Errorf("the two requests answer alike (%s): the case shows nothing", want.Data)
				}
			})
		}
	})
}
