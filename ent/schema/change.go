package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Change is one row of the changes log the mobile apps sync from (the
// `changes` query, internal/changes): an object created, changed, moved,
// archived or deleted. It is written in the same transaction as the change
// it records, by the hook internal/changes.Hook on every synced type and by
// the bulk writers (reorganisations, imports) with SQL of their own, and it
// is pruned after the retention (--changes-retention).
type Change struct{ ent.Schema }

// Fields of the Change.
func (Change) Fields() []ent.Field {
	return []ent.Field{
		field.String("object_type").Immutable().
			Comment("The ent type of the object, e.g. LearningUnit."),
		field.Int("object_id").Immutable().
			Comment("The object's global id."),
		field.Enum("op").Values("UPSERT", "ARCHIVE", "DELETE").Immutable().
			Comment("What happened: created or changed (UPSERT), archived or closed (ARCHIVE), deleted (DELETE)."),
		field.String("path").Immutable().
			Comment("Materialised path of the admin unit the object belongs to after the change; decides who is told."),
		field.String("left_path").Default("").Immutable().
			Comment("The path the object left when the change moved it, else empty: who read it there is told it left their scope."),
		// The writing transaction, on PostgreSQL; see internal/changes for
		// why the feed reads only rows of transactions older than every
		// running one. SQLite has one writer at a time, so 0 there.
		field.Int64("xid").Optional().Immutable().
			Annotations(entsql.DefaultExprs(map[string]string{
				dialect.Postgres: "(pg_current_xact_id()::text::bigint)",
				dialect.SQLite:   "0",
			})).
			Comment("The writing transaction's id on PostgreSQL (pg_current_xact_id), 0 on SQLite."),
		field.Time("created_at").Default(now).Immutable().
			Comment("When the row was written; pruning goes by it."),
	}
}

// Indexes of the Change.
func (Change) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("xid", "id"),
		index.Fields("created_at"),
	}
}

// Annotations of the Change.
func (Change) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the Change: the log is written by hooks and bulk writers as the
// system, and read by internal/changes, which applies the viewer's scope to
// it and loads the objects through their own policies.
func (Change) Policy() ent.Policy { return denyAll }
