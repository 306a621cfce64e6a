package graph_test

import (
	"testing"

	"hoctap/internal/dbtest"
)

// BenchmarkOpenHouseholdParts opens a household as ops.OpenHousehold does,
// one part of the query added at each step, so the cost of each (a joined
// edge, a connection's statement, a where-input, an aggregated list) is the
// difference between two steps. Run with
//
//	go test ./graph -run '^$' -bench OpenHouseholdParts -benchmem
func BenchmarkOpenHouseholdParts(b *testing.B) {
	db := dbtest.Open(b)
	w := generate(b, db, 0.01)
	base := `id name headName address phone memberCount adultCount version `
	steps := []struct{ name, q string }{
		{"0id", `query($h: ID!) { node(id: $h) { id } }`},
		{"1scalars", `query($h: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `} } }`},
		{"2admin", `query($h: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `adminUnit { id name } } } }`},
		{"3children", `query($h: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `adminUnit { id name } children(first: 20) { edges { node { id name } } } } } }`},
		{"4regs", `query($h: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `adminUnit { id name } children(first: 20) { edges { node { id name } } } registrations(first: 5) { edges { node { id title status result score } } } } } }`},
		{"5where", `query($h: ID!, $c: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `adminUnit { id name } children(first: 20) { edges { node { id name } } } registrations(first: 5, where: {hasCampaignWith: {id: $c}}) { edges { node { id title status result score } } } } } }`},
		{"6evals", `query($h: ID!, $c: ID!) { node(id: $h) { ... on LearningUnit { ` + base + `adminUnit { id name } children(first: 20) { edges { node { id name } } } registrations(first: 5, where: {hasCampaignWith: {id: $c}}) { edges { node { id title status result score evaluations { kind total result } } } } } } }`},
	}
	for _, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			vars := map[string]any{"h": w.household, "c": w.campaign}
			for b.Loop() {
				r := w.a.exec(w.officer, "", s.q, vars, nil)
				if len(r.Errors) > 0 {
					b.Fatal(r.Errors)
				}
			}
		})
	}
}
