package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditLog is an append-only record of a change: who did what to which
// object, when and from where. Rows are never updated or deleted.
type AuditLog struct{ ent.Schema }

// Fields of the AuditLog.
func (AuditLog) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").
			Default(now).Immutable().
			Comment("When the change happened.").
			Annotations(entgql.OrderField("AT")),
		field.Int("actor_id").
			Optional().Nillable().Immutable().
			Comment("Global id of the user who made the change; null for the system.").
			Annotations(entgql.Type("ID")),
		field.String("actor_name").
			Immutable().
			Comment("Username of the actor at the time, or \"system\"."),
		field.String("action").
			Immutable().
			Comment("What happened, e.g. user.create, session.login, campaign.advance."),
		field.String("target_type").
			Immutable().
			Comment("GraphQL type of the object changed, e.g. User."),
		field.Int("target_id").
			Optional().Nillable().Immutable().
			Comment("Global id of the object changed.").
			Annotations(entgql.Type("ID")),
		field.String("scope_path").
			Immutable().
			Comment("Materialised path of the admin unit the change belongs to; decides who may read the entry.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("address").
			Optional().Immutable().
			Comment("Client address of the request."),
		field.String("request_id").
			Optional().Immutable().
			Comment("Id of the request, as in the server log."),
		field.JSON("details", map[string]any{}).
			Optional().Immutable().
			Comment("What changed: the fields set, reasons, old and new values where useful.").
			Annotations(entgql.Type("Map")),
	}
}

// Indexes of the AuditLog.
func (AuditLog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("target_id", "at"),
		index.Fields("actor_id", "at"),
		index.Fields("scope_path").Annotations(patternOps),
		index.Fields("at"),
	}
}

// Annotations of the AuditLog.
func (AuditLog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("An append-only record of a change to users, roles, scopes, sessions, campaigns and titles."),
	}
}
