package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/ent/privacy"
	"hoctap/internal/derive"
	"hoctap/internal/rule"
	"hoctap/internal/schemadoc"
)

// Invitation is the code a commune prints or sends to a household so its
// citizens can claim their records (claimCitizenRecord). Only a hash of the
// code is kept: the officer sees it once, when issueInvitations makes it.
type Invitation struct{ ent.Schema }

// Fields of the Invitation.
func (Invitation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("household_id").
			Unique().
			Comment("The household whose citizens the code lets claim their records; one live code per household, a new one replaces it."),
		field.String("code_hash").
			Unique().
			Comment("SHA-256 of the normalised code, hex; codes are random, so no salt is needed."),
		field.String("admin_path").
			Default("").
			Comment("Copy of the household's admin path when the code was issued."),
		field.Time("created_at").Default(now).UpdateDefault(now),
		field.Int("created_by_id").Optional().Nillable().Comment("The officer who issued the code."),
	}
}

// Edges of the Invitation.
func (Invitation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("household", LearningUnit.Type).Field("household_id").Unique().Required(),
	}
}

// Annotations of the Invitation.
func (Invitation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the Invitation: nobody reads codes back (the system checks a
// claim against them); an OFFICER issues them for the households of their
// scope (rule.InvitationWrite).
func (Invitation) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.InvitationWrite(), privacy.AlwaysDenyRule(),
		},
	}
}

// CitizenClaim is a citizen's request to link a new CITIZEN account to
// their record, made with their household's invitation code, name and birth
// year, and confirmed or refused by an officer of the commune.
type CitizenClaim struct{ ent.Schema }

// Mixin of the CitizenClaim.
func (CitizenClaim) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}}
}

// Fields of the CitizenClaim.
func (CitizenClaim) Fields() []ent.Field {
	return []ent.Field{
		field.Int("learning_unit_id").
			Immutable().
			Comment("The citizen record claimed.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("holds_unit_id").
			Optional().Nillable().
			Unique().
			Comment("The record's id while the claim is pending or confirmed, null once refused: the unique index lets a record be claimed once, whoever commits first.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("user_id").
			Immutable().
			Comment("The account the claim made.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			Values("PENDING", "CONFIRMED", "REFUSED").
			Default("PENDING").
			Comment("Where the claim stands: PENDING until an officer of the commune confirms or refuses it.").
			Annotations(entgql.OrderField("STATUS"), schemadoc.Enum{
				Type: "Where a citizen's claim of their record stands.",
				Values: map[string]string{
					"PENDING":   "Waiting for an officer of the commune; the account cannot sign in yet.",
					"CONFIRMED": "Confirmed by an officer: the account signs in and reads its own record.",
					"REFUSED":   "Refused by an officer, with a reason: the account stays closed and the record may be claimed again.",
				},
			}),
		field.String("full_name").
			MaxLen(200).
			Comment("The name the citizen typed, as typed."),
		field.Int("birth_year").
			Comment("The birth year the citizen typed."),
		field.String("reason").
			Optional().MaxLen(500).
			Comment("Why the officer refused the claim; empty otherwise."),
		field.Time("decided_at").
			Optional().Nillable().
			Comment("When an officer confirmed or refused the claim."),
		field.Int("decided_by_id").
			Optional().Nillable().
			Comment("The officer who confirmed or refused the claim.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("admin_path").
			Default("").
			Comment("Copy of the record's admin path: the scope filter without a join.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the CitizenClaim.
func (CitizenClaim) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("learning_unit", LearningUnit.Type).
			Field("learning_unit_id").Unique().Required().Immutable().
			Comment("The citizen record claimed.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("account", User.Type).
			Field("user_id").Unique().Required().Immutable().
			Comment("The CITIZEN account the claim made; it signs in once the claim is confirmed.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of the CitizenClaim.
func (CitizenClaim) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("learning_unit_id"),
		index.Fields("user_id"),
		index.Fields("admin_path", "status").Annotations(entsqlOpClassColumn("admin_path")),
	}
}

// Annotations of the CitizenClaim.
func (CitizenClaim) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
		schema.Comment("A citizen's claim of their record, made without an admin (claimCitizenRecord) and decided by an officer of the commune."),
	}
}

// Hooks of the CitizenClaim.
func (CitizenClaim) Hooks() []ent.Hook {
	return []ent.Hook{derive.Version()}
}

// Policy of the CitizenClaim: staff read the claims of their scope, a
// citizen their own; the system makes claims (the claimant has no viewer),
// an OFFICER of the record's commune decides them (rule.CitizenClaimWrite).
func (CitizenClaim) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.FilterRead(), privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyAnonymous(), rule.AllowAdmin(), rule.CitizenClaimWrite(), privacy.AlwaysDenyRule(),
		},
	}
}
