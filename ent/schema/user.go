package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/schemadoc"
	"hoctap/internal/viewer"
)

// User is an account: one role, one scope.
type User struct{ ent.Schema }

// Mixin of the User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").
			NotEmpty().MaxLen(64).
			Unique().
			Comment("Login name, lowercase.").
			Annotations(entgql.OrderField("USERNAME")),
		field.String("full_name").
			NotEmpty().MaxLen(200).
			Comment("The person's full name."),
		sortKey("full_name", "FULL_NAME"),
		field.String("password_hash").
			Sensitive().
			Comment("argon2id hash in PHC string format."),
		field.Enum("role").
			GoType(viewer.Role("")).
			Comment("What the user may do: ADMIN, MANAGER, OFFICER, COLLABORATOR, VIEWER or CITIZEN.").
			Annotations(entgql.OrderField("ROLE"), entgql.Type("Role"), schemadoc.Enum{
				Type: "What an account may do; its scope (an administrative unit and everything below it) says where. Roles rank from ADMIN down to CITIZEN: nobody gives a role above their own or a scope outside their own.",
				Values: map[string]string{
					"ADMIN":        "Quản trị hệ thống (administrator): reads and writes everything, other administrators included.",
					"MANAGER":      "Cán bộ quản lý (manager, e.g. of a province's Department of Education or Hội Khuyến học, the Association for Promoting Education): accounts of lower roles, campaigns, targets and criteria in their scope.",
					"OFFICER":      "Cán bộ (officer of a commune or village): learning units, registrations and evaluations in their scope; recognition decisions where their scope is the title's deciding level.",
					"COLLABORATOR": "Cộng tác viên (volunteer collaborator): learning units and registrations in their scope, and draft evaluations; no recognitions.",
					"VIEWER":       "Người xem (viewer): reads their scope, writes nothing.",
					"CITIZEN":      "Công dân (citizen): reads their own household and their own record; edits the contact details (phone, address) of that record and enters self-assessments (SELF evaluations) of their own or their household's registrations.",
				},
			}),
		field.Int("scope_id").
			Comment("The admin unit the user works in; the role applies to it and everything below.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("scope_path").
			Default("").
			Comment("Copy of the scope unit's materialised path.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("scope_predecessors").
			Default("").
			Comment("Copy of the scope unit's predecessors (see AdminUnit.predecessors), so that reading a user's history costs no statement.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("disabled").
			Default(false).
			Comment("A disabled user cannot sign in and their tokens stop working at once."),
		field.Int("learning_unit_id").
			Optional().Nillable().
			Comment("For a CITIZEN account: the citizen's own learning-unit record.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Bool("must_change_password").
			Default(false).
			Comment("Set by resetPassword: the user must choose a new password before anything else."),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("scope", AdminUnit.Type).
			Ref("users").
			Field("scope_id").
			Unique().Required().
			Comment("The admin unit the user works in."),
		edge.To("learning_unit", LearningUnit.Type).
			Field("learning_unit_id").
			Unique().
			Comment("For a CITIZEN account: the citizen's own record."),
		edge.To("sessions", Session.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the User.
func (User) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("scope_id"),
		index.Fields("scope_path").Annotations(patternOps),
	}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("An account of the hoctap API and console."),
	}
}
