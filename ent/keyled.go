package ent

// This file is not generated: the eager loaders of ent/*_query.go call
// withKeyLed (patched in by ent/entc.go).

import (
	"context"
	"sync"

	"hoctap/ent/migrate"
)

// loadKey is the table an eager load reads and the column it finds its
// rows by (`column IN (…)`: a foreign key, or the id).
type loadKey struct{ table, column string }

type keyLedKey struct{}

// withKeyLed marks the context of an eager load: the statement that reads
// table's rows by column for the rows its parent loaded.
func withKeyLed(ctx context.Context, table, column string) context.Context {
	return context.WithValue(ctx, keyLedKey{}, loadKey{table, column})
}

// KeyLed reports whether a query of the ent type typeName run with ctx is
// led by keys: an eager load of that type's table by a column that leads
// one of the table's indexes, so that its plan is the key's index whatever
// the size of the viewer's scope. The privacy filters may then word the
// scope so that PostgreSQL keeps one plan for the statement
// (internal/search.KeyLedPrefix). Not a list a resolver starts, nor a load
// by a column no index leads (a campaign's registrations): there the scope
// may be what leads, and its index what serves the statement.
func KeyLed(ctx context.Context, typeName string) bool {
	k, ok := ctx.Value(keyLedKey{}).(loadKey)
	return ok && tableOf()[typeName] == k.table && leadsIndex()[k]
}

// tableOf maps the ent types to their tables.
var tableOf = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(schemaGraph.Nodes))
	for _, n := range schemaGraph.Nodes {
		m[n.Type] = n.Table
	}
	return m
})

// leadsIndex holds the columns that lead an index of their table, the
// primary key's among them.
var leadsIndex = sync.OnceValue(func() map[loadKey]bool {
	m := make(map[loadKey]bool)
	for _, t := range migrate.Tables {
		if len(t.PrimaryKey) > 0 {
			m[loadKey{t.Name, t.PrimaryKey[0].Name}] = true
		}
		for _, ix := range t.Indexes {
			m[loadKey{t.Name, ix.Columns[0].Name}] = true
		}
	}
	return m
})
