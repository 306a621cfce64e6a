package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"hoctap/internal/idem"
	"hoctap/internal/schemadoc"
)

// TimeMixin stamps every row with its creation and last-change time.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(now).
			Immutable().
			Comment("When the record was created (RFC 3339, UTC).").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Default(now).
			UpdateDefault(now).
			Comment("When the record last changed (RFC 3339, UTC).").
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func now() time.Time { return time.Now().UTC() }

// VersionMixin numbers every change of a row, so a client that edits an old
// copy is told about the conflict instead of silently overwriting.
type VersionMixin struct{ mixin.Schema }

// Fields of the VersionMixin.
func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").
			Default(1).
			Comment("Incremented by every change; send it back with an update to detect concurrent edits.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

// sortKey is the Vietnamese collation key of the text field from, kept by
// the derive.SortKeys hook. It carries the client's order field of that text
// (orderField, e.g. NAME), because neither database sorts Vietnamese
// correctly on its own: PostgreSQL only with an ICU collation the server may
// lack, SQLite not at all. The key is hex, so it stays text that ent's cursors
// can compare; it is never shown or filtered on.
func sortKey(from, orderField string) ent.Field {
	return field.String(from+"_key").
		Optional().
		// Hex compares as its bytes only under a byte-wise collation.
		Annotations(entsql.Annotation{Collation: "C"}).
		Comment("Vietnamese collation key of "+from+"; see textnorm.SortKey.").
		Annotations(
			entgql.OrderField(orderField),
			schemadoc.Order("Orders by `"+schemadoc.FieldName(from)+"` in Vietnamese alphabetical order (a ă â b c d đ e ê …, tone marks after the letters), the same on every database."),
			entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
		)
}

// ClientMixin keeps the id a client gave the create that made a row (a UUID
// an app made, offline perhaps), unique per table, so the same create sent
// again answers the row already made (internal/idem).
type ClientMixin struct{ mixin.Schema }

// Fields of the ClientMixin.
func (ClientMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String(idem.FieldClientID).
			Optional().
			Nillable().
			Immutable().
			MaxLen(36).
			Comment("The clientID (a UUID, in lower case) of the create that made it; null when the client gave none.").
			Annotations(entgql.Type("ID"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.String(idem.FieldClientDigest).
			Optional().
			Immutable().
			Comment("What the create with the client id asked for, by whom: a resent create must match it.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the ClientMixin: a client id names one row of a table. NULLs
// do not collide on either database.
func (ClientMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields(idem.FieldClientID).Unique()}
}

// Hooks of the ClientMixin.
func (ClientMixin) Hooks() []ent.Hook {
	return []ent.Hook{idem.Hook()}
}
