package ent

// This file is not generated: ent/entc.go has the generated field
// collection (gql_collection.go) call it.

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"hoctap/ent/registration"
	"hoctap/internal/title"
)

// collectOther collects a field of the GraphQL schema that ent does not
// generate (a resolver of graph/), for the query of the rows it is asked
// on. It reports whether the field needs no column of its row but the id,
// so that asking for it does not make entgql read every column. Only fields
// whose resolvers were read for it belong here: one that needs a column not
// selected would see its zero value.
func collectOther(ctx context.Context, q any, opCtx *graphql.OperationContext, field graphql.CollectedField, path []string, satisfies []string) (bool, error) {
	switch q := q.(type) {
	case *LearningUnitQuery:
		if field.Name == "registration" {
			return true, q.collectRegistration(ctx, opCtx, field, append(path, field.Alias), satisfies)
		}
	}
	return false, nil
}

// registrationEdge names the registrations a LearningUnit.registration
// field loads with the units (collectRegistration): a GraphQL alias has no
// colon, so no connection's named edge is called that.
func registrationEdge(alias string) string { return "registration:" + alias }

// collectRegistration has the units' query load, for the field
// LearningUnit.registration(campaignID, title), each unit's registrations
// in the campaign (of the title, when given) as a named edge, with the
// columns and edges its selection asks for: in the units' statement where
// they aggregate into it (withRows), else in one statement for all the
// units, as graph/loaders.go did. When the arguments cannot be had decoded
// (no API executor), nothing is loaded and the resolver's loader reads them.
func (q *LearningUnitQuery) collectRegistration(ctx context.Context, opCtx *graphql.OperationContext, field graphql.CollectedField, path []string, satisfies []string) error {
	args, ok := decodedArgs(ctx, &field)
	if !ok {
		return nil
	}
	campaign, ok := args["campaignID"].(int)
	if !ok {
		return nil
	}
	regs := (&RegistrationClient{config: q.config}).Query().Where(registration.CampaignID(campaign))
	if t, _ := args["title"].(*title.Title); t != nil {
		regs.Where(registration.TitleEQ(*t))
	}
	if err := regs.collectField(ctx, false, opCtx, field, path, mayAddCondition(satisfies, registrationImplementors)...); err != nil {
		return err
	}
	if q.withNamedRegistrations == nil {
		q.withNamedRegistrations = make(map[string]*RegistrationQuery)
	}
	q.withNamedRegistrations[registrationEdge(field.Alias)] = regs
	return nil
}

// CollectedRegistration is the registration the field
// LearningUnit.registration aliased alias asks for, loaded with the unit
// (collectRegistration): its first (lowest id) in the campaign, nil when
// it has none. ok is false when it was not loaded so.
func (_m *LearningUnit) CollectedRegistration(alias string) (r *Registration, ok bool) {
	regs, err := _m.NamedRegistrations(registrationEdge(alias))
	if err != nil {
		return nil, false
	}
	for _, e := range regs {
		if r == nil || e.ID < r.ID {
			r = e
		}
	}
	return r, true
}
