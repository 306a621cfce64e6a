package ent

// This file is not generated: ent/entc.go has the generated field
// collection (gql_collection.go) call it.

// idOnly reports whether a field of the GraphQL schema that ent does not
// generate (a resolver of graph/) needs no column of its row but the id, so
// that asking for it does not make entgql read every column. Only fields
// whose resolvers were read for it belong here: one that needs a column not
// selected would see its zero value.
func idOnly(q any, field string) bool {
	switch q.(type) {
	case *LearningUnitQuery:
		// LearningUnit.registration: graph/loaders.go loads the
		// registrations of a page's units by their ids.
		return field == "registration"
	}
	return false
}
