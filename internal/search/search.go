// Package search matches names ignoring case and Vietnamese diacritics
// through the search_keys table, an ordinary indexed prefix lookup on either
// database.
package search

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/privacy"

	"hoctap/ent"
	"hoctap/ent/searchkey"
	"hoctap/internal/textnorm"
	"hoctap/internal/viewer"
)

// Prefix is a predicate: column starts with prefix. It compiles to
// `LIKE 'prefix%'` on PostgreSQL (served by a text_pattern_ops index) and to
// the range `>= prefix AND < successor` on SQLite. SQLite's LIKE is
// case-insensitive and would not use a BINARY index, and its GLOB, like
// LIKE, makes SQLite recompile a prepared statement whenever the bound
// pattern changes (the pattern can change the plan), which undid the
// statement cache on every request. PostgreSQL, too, plans a LIKE statement
// for each pattern, and must: it estimates a LIKE prefix from the column's
// statistics, so an officer's commune and a manager's province get plans of
// their own. Its byte-wise range operators would let it reuse one generic
// plan, but it estimates them as matching one row, and a plan chosen on
// that (tried) took 3.6 s to search a name in a commune. A statement led by
// keys, whose plan the prefix cannot change, takes KeyLedPrefix instead.
// The prefix must hold no wildcard characters; folded text and materialised
// paths never do.
func Prefix(column, prefix string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		if b.Dialect() == dialect.Postgres {
			b.Ident(column).WriteString(" LIKE ").Arg(prefix + "%")
			return
		}
		byteRange(b, column, prefix)
	})
}

// byteRange writes `(column >= prefix AND column < successor)`.
func byteRange(b *sql.Builder, column, prefix string) {
	b.Wrap(func(b *sql.Builder) {
		b.Ident(column).WriteString(" >= ").Arg(prefix)
		if end, ok := successor(prefix); ok {
			b.WriteString(" AND ").Ident(column).WriteString(" < ").Arg(end)
		}
	})
}

// KeyLedPrefix is Prefix for a statement led by keys (ent.KeyLed: an eager
// load's `parent_id IN (…)`), where the prefix only filters the rows the
// keys found. On PostgreSQL it is `left(column, n) = prefix`, which
// PostgreSQL cannot serve from an index nor estimate from statistics, so it
// costs a plan the same whatever the prefix, and after five executions
// PostgreSQL keeps one generic plan for the statement (the key's index)
// instead of planning it anew for each prefix, as it does a LIKE: 0.01 ms
// of planning instead of 0.25–0.3 (BENCHMARKS.md). Where the scope leads,
// that plan would be the wrong one; there Prefix must be used.
func KeyLedPrefix(column, prefix string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		if b.Dialect() == dialect.Postgres {
			b.WriteString("left(").Ident(column).Comma().Arg(utf8.RuneCountInString(prefix)).WriteString(") = ").Arg(prefix)
			return
		}
		byteRange(b, column, prefix)
	})
}

// Lineage returns the materialised paths of the unit at path and of every
// unit above it, root first: "/1/2/5/" gives "/1/", "/1/2/" and "/1/2/5/".
func Lineage(path string) []string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, path[:i+1])
		}
	}
	return out
}

// InLineage is a predicate: column holds the path of a unit at one of paths
// or above one. Being a short list, it is served by the path's index.
func InLineage(column string, paths ...string) *sql.Predicate {
	seen := map[string]bool{}
	var args []any
	for _, path := range paths {
		for _, p := range Lineage(path) {
			if !seen[p] {
				seen[p] = true
				args = append(args, p)
			}
		}
	}
	if len(args) == 0 {
		return sql.False()
	}
	return sql.P(func(b *sql.Builder) {
		if b.Dialect() == dialect.Postgres || len(args) > maxEqualities {
			b.Join(sql.In(column, args...))
			return
		}
		// SQLite checks a row against an IN list through a temporary B-tree
		// it builds from the list on every execution; a few equalities cost
		// less (an open household's statement checks two such lists: 8% of
		// its time), and it still serves them from an index, which it reads
		// an OR of equalities on one column as an IN for.
		b.Wrap(func(b *sql.Builder) {
			for i, a := range args {
				if i > 0 {
					b.WriteString(" OR ")
				}
				b.Ident(column).WriteString(" = ").Arg(a)
			}
		})
	})
}

// maxEqualities is the longest list InLineage writes as equalities on
// SQLite: a unit's lineage is four or five paths.
const maxEqualities = 8

// successor is the least string greater than every string that starts with
// prefix, in byte order (SQLite's BINARY collation); ok is false when there
// is none (an empty prefix, or one of 0xFF bytes only).
func successor(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// Match returns a predicate on an entity's id column that keeps the rows
// whose indexed names match q from the start of a word. An empty query (or
// one with no letters or digits) matches everything. For staff below ADMIN,
// whose reads end at their scope, the keys are first narrowed to that scope
// within the index: a common name has thousands of namesakes in a province,
// and reading each owner's row to find the few in scope was the slowest
// read of the API. The owner's own privacy filter still decides what is
// visible.
func Match(ctx context.Context, q string) func(*sql.Selector) {
	f := textnorm.Truncate(textnorm.Fold(q))
	scope := ""
	if v := viewer.FromContext(ctx); v != nil && v.Role != viewer.RoleCitizen && v.Role != viewer.RoleAdmin {
		// Admins read everything whatever their scope, and a citizen's
		// rows are their own, not a subtree.
		scope = v.ScopePath
	}
	return func(s *sql.Selector) {
		if f == "" {
			return
		}
		if scope != "" {
			if p, ok := keysInScope(s.Dialect(), s.C("id"), f, scope); ok {
				s.Where(p)
				return
			}
		}
		t := sql.Table(searchkey.Table)
		keys := sql.Select(t.C(searchkey.FieldOwnerID)).From(t).Where(Prefix(t.C(searchkey.FieldKey), f))
		if scope != "" {
			keys.Where(sql.Or(Prefix(t.C(searchkey.FieldScopePath), scope), sql.EQ(t.C(searchkey.FieldScopePath), "")))
		}
		s.Where(sql.In(s.C("id"), keys))
	}
}

// keysInScope is Match's predicate for a scoped search. The keys index is
// (key, scope_path, owner_id), and a B-tree can seek a range of its first
// column or a range of its second under one value of the first, not both:
// "nguyen van hung" is one key of 850 entries province-wide, of which a
// commune holds a few. So the distinct keys starting with the query are
// found first, one seek each (a loose index scan, as a recursive query),
// then each key's entries in scope by a seek on both columns: a few dozen
// entries read instead of every namesake in the province. Keys written
// before scope_path existed have it empty and are matched the same way;
// their owners' privacy decides. ok is false where a prefix has no
// successor (no upper bound), which folded text and paths never lack.
//
// PostgreSQL compares text by its collation, and the index is in byte
// order (text_pattern_ops), which only its pattern operators (~<~, ~>=~…)
// follow; the next key is the first in that order rather than MIN(key).
func keysInScope(dialectName, id, from, scope string) (p *sql.Predicate, ok bool) {
	to, ok := successor(from)
	scopeEnd, ok2 := successor(scope)
	if !ok || !ok2 {
		return nil, false
	}
	lt, ge, gt, first, next, open, close := "<", ">=", ">", "MIN(key)", "", "", ""
	if dialectName == dialect.Postgres {
		// A member of a UNION with a LIMIT of its own is parenthesised;
		// SQLite refuses the parentheses.
		lt, ge, gt, first, next, open, close = "~<~", "~>=~", "~>~", "key", " ORDER BY key USING ~<~ LIMIT 1", "(", ")"
	}
	return sql.P(func(b *sql.Builder) {
		b.WriteString(id).WriteString(` IN (WITH RECURSIVE match_keys(k) AS (
	` + open + `SELECT ` + first + ` FROM search_keys WHERE key ` + ge + ` `).Arg(from).WriteString(` AND key ` + lt + ` `).Arg(to).WriteString(next + close + `
	UNION ALL
	SELECT (SELECT ` + first + ` FROM search_keys WHERE key ` + gt + ` match_keys.k AND key ` + lt + ` `).Arg(to).WriteString(next + `)
	FROM match_keys WHERE match_keys.k IS NOT NULL)
SELECT search_keys.owner_id FROM match_keys JOIN search_keys ON search_keys.key = match_keys.k
	AND search_keys.scope_path ` + ge + ` `).Arg(scope).WriteString(` AND search_keys.scope_path ` + lt + ` `).Arg(scopeEnd).WriteString(`
UNION ALL
SELECT search_keys.owner_id FROM match_keys JOIN search_keys ON search_keys.key = match_keys.k AND search_keys.scope_path = '')`)
	}), true
}

// ReplaceKeys replaces the search keys of the entity with the given global
// id and path by those of names.
func ReplaceKeys(ctx context.Context, c *ent.Client, ownerID int, scopePath string, names ...string) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	if _, err := c.SearchKey.Delete().Where(searchkey.OwnerID(ownerID)).Exec(ctx); err != nil {
		return fmt.Errorf("delete search keys of %d: %w", ownerID, err)
	}
	return AddKeys(ctx, c, ownerID, scopePath, names...)
}

// AddKeys indexes the names of a new entity. Keys are derived data that no
// viewer writes directly, so it runs as the system.
func AddKeys(ctx context.Context, c *ent.Client, ownerID int, scopePath string, names ...string) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	keys := textnorm.Keys(names...)
	if len(keys) == 0 {
		return nil
	}
	builders := make([]*ent.SearchKeyCreate, len(keys))
	for i, k := range keys {
		builders[i] = c.SearchKey.Create().SetKey(k).SetOwnerID(ownerID).SetScopePath(scopePath)
	}
	if err := c.SearchKey.CreateBulk(builders...).Exec(ctx); err != nil {
		return fmt.Errorf("write search keys of %d: %w", ownerID, err)
	}
	return nil
}

// MoveKeys sets the path of the search keys of owners, which moved there.
func MoveKeys(ctx context.Context, c *ent.Client, scopePath string, owners ...int) error {
	if len(owners) == 0 {
		return nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	// PITFALLS 8: stay well under SQLite's 32,766 bind parameters.
	for chunk := range slices.Chunk(owners, 10000) {
		if err := c.SearchKey.Update().Where(searchkey.OwnerIDIn(chunk...)).SetScopePath(scopePath).Exec(ctx); err != nil {
			return fmt.Errorf("move search keys: %w", err)
		}
	}
	return nil
}
