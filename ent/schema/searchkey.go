package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SearchKey indexes names for accent-insensitive search: one row per word
// start of a name, folded (see textnorm.Keys). A search is a prefix match on
// key, which an ordinary btree serves on both databases.
type SearchKey struct{ ent.Schema }

// Fields of the SearchKey.
func (SearchKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty(),
		// owner_id is the global id of the named entity; ids are unique across
		// tables, so one index serves every searchable type.
		field.Int("owner_id"),
		// scope_path is the owner's materialised path (a learning unit's admin
		// path, an admin unit's path, a user's scope path), so a search narrows
		// the keys to the viewer's scope inside the index instead of reading
		// every namesake in the country. Empty on keys written before it
		// existed; those are checked against their owner instead.
		field.String("scope_path").Default(""),
	}
}

// Indexes of the SearchKey.
func (SearchKey) Indexes() []ent.Index {
	return []ent.Index{
		// Both text columns compare byte-wise on PostgreSQL, so that a
		// scoped search seeks a key's entries in a scope (search.Match).
		index.Fields("key", "scope_path", "owner_id").Annotations(entsqlOpClassColumn("key"), entsqlOpClassColumn("scope_path")),
		index.Fields("owner_id"),
	}
}

// Annotations of the SearchKey.
func (SearchKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
