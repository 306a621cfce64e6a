package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Session is one sign-in of a user: the chain of refresh tokens issued from
// one login. Revoking it ends every token of the chain.
type Session struct{ ent.Schema }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("expires_at").Comment("Absolute end of the session, however often it is refreshed."),
		field.Time("revoked_at").Optional().Nillable(),
		field.String("revoked_reason").Optional(),
		field.Time("refreshed_at").Optional().Nillable().
			Comment("Last refresh. Writing it first makes the refreshes of one session take turns, on every replica (auth.Service.Refresh)."),
		field.String("address").Optional().MaxLen(64).Comment("Client address at sign-in."),
		field.String("user_agent").Optional().MaxLen(300),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").Unique().Required(),
		edge.To("refresh_tokens", RefreshToken.Type),
	}
}

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Annotations of the Session.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// RefreshToken is one refresh token of a session, stored only as a hash. A
// token is used once; presenting a used one means it was stolen, and revokes
// the session.
type RefreshToken struct{ ent.Schema }

// Fields of the RefreshToken.
func (RefreshToken) Fields() []ent.Field {
	return []ent.Field{
		field.Int("session_id"),
		field.String("token_hash").Unique().Comment("SHA-256 of the token, hex."),
		field.Time("created_at").Default(now).Immutable(),
		field.Time("used_at").Optional().Nillable(),
		field.Time("replaced_at").Optional().Nillable().
			Comment("When a retry of the refresh that made this token made another instead (auth.Service.retried): the token is then as good as used."),
	}
}

// Edges of the RefreshToken.
func (RefreshToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("session", Session.Type).Ref("refresh_tokens").Field("session_id").Unique().Required(),
	}
}

// Indexes of the RefreshToken.
func (RefreshToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("session_id")}
}

// Annotations of the RefreshToken.
func (RefreshToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// LoginAttempt records one sign-in attempt against a throttling key (a
// username or a client address), so limits hold across replicas.
type LoginAttempt struct{ ent.Schema }

// Fields of the LoginAttempt.
func (LoginAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Comment("\"user:<name>\" or \"addr:<ip>\"."),
		field.Time("created_at").Default(now).Immutable(),
		field.Bool("succeeded").Default(false),
	}
}

// Indexes of the LoginAttempt.
func (LoginAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("key", "created_at"), index.Fields("created_at")}
}

// Annotations of the LoginAttempt.
func (LoginAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Setting is a named value shared by every replica, such as the generated
// token signing key.
type Setting struct{ ent.Schema }

// Fields of the Setting.
func (Setting) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().Immutable(),
		field.String("value").Sensitive(),
		field.Time("created_at").Default(now).Immutable(),
	}
}

// Annotations of the Setting.
func (Setting) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
