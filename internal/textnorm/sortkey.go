package textnorm

import (
	"encoding/hex"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// collators are Vietnamese collators; one is not safe for concurrent use.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese) }}

// SortKey is the Vietnamese collation key of s: comparing two keys byte by
// byte orders their strings as a Vietnamese reader expects (a ă â b c d đ e
// ê … o ô ơ … u ư, tone marks after letters), where a database's own
// collation puts every "Đ…" after "X…". Both databases compare bytes the same
// way, so a column of keys sorts alike on SQLite and PostgreSQL whatever
// collation the server was set up with.
//
// The key is hex: text any database stores and compares byte-wise under the
// C collation (hex digits sort as the bytes they spell).
func SortKey(s string) string {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return hex.EncodeToString(c.KeyFromString(&buf, s))
}
