package schemacheck

import (
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const before = `
type Query { unit(id: ID!): Unit  units(first: Int): [Unit!]!  old: String }
interface Node { id: ID! }
type Unit implements Node { id: ID!  name: String!  code: String  parent: Unit }
input UnitInput { name: String!  code: String }
enum Level { PROVINCE COMMUNE VILLAGE }
union Thing = Unit | Other
type Other { x: Int }
`

func load(t *testing.T, src string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Input: src})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBreaking(t *testing.T) {
	for _, tt := range []struct {
		name, after string
		want        []string
	}{
		{"the same", before, nil},
		{"additions and loosenings break nothing", `
type Query { unit(id: ID!, lang: String): Unit  units(first: Int, after: String = ""): [Unit!]!  old: String  more: Int }
interface Node { id: ID! }
type Unit implements Node { id: ID!  name: String!  code: String!  parent: Unit  level: Level }
input UnitInput { name: String  code: String  note: String  kind: Int! = 1 }
enum Level { PROVINCE DISTRICT COMMUNE VILLAGE }
union Thing = Unit | Other | Level2
type Level2 { y: Int }
type Other { x: Int }
`, nil},
		{"removals and tightenings break", `
type Query { unit(id: ID!, lang: String!): Unit  units(first: Int!): [Unit]! }
type Unit { id: ID!  name: String  code: Int  parent: Unit }
input UnitInput { name: String!  other: Int! }
enum Level { PROVINCE COMMUNE }
union Thing = Unit
type Other { x: Int }
`, []string{
			"Level.VILLAGE: enum value removed",
			"Node: type removed",
			"Query.old: field removed",
			"Query.unit(lang:): required argument added",
			"Query.units(first:): type changed from Int to Int!",
			"Query.units: type changed from [Unit!]! to [Unit]!",
			"Thing: union member Other removed",
			"Unit.code: type changed from String to Int",
			"Unit.name: type changed from String! to String",
			"Unit: no longer implements Node",
			"UnitInput.code: input field removed",
			"UnitInput.other: required input field added",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Breaking(load(t, before), load(t, tt.after))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Breaking =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestFormatRoundTrips(t *testing.T) {
	s := load(t, before)
	again := load(t, Format(s))
	if Format(again) != Format(s) || len(Breaking(s, again)) != 0 || len(Breaking(again, s)) != 0 {
		t.Errorf("a formatted schema reads back differently:\n%s", Format(s))
	}
}
