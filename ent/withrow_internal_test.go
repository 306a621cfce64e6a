package ent

import (
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// TestSelected checks the text selected writes, as ent's AppendSelectExprAs
// would have, and that it remembers each column apart: two types' edges
// may share an alias, and a column JSON in one and not in the other.
func TestSelected(t *testing.T) {
	for _, tt := range []struct {
		dialect string
		json    []string
		want    string
	}{
		{dialect.SQLite, []string{"extra"}, "(CAST(`e_probe`.`extra` AS TEXT)) AS `e_probe__extra`"},
		{dialect.SQLite, nil, "(`e_probe`.`extra`) AS `e_probe__extra`"},
		{dialect.Postgres, []string{"extra"}, `("e_probe"."extra") AS "e_probe__extra"`},
		{dialect.SQLite, []string{"extra"}, "(CAST(`e_probe`.`extra` AS TEXT)) AS `e_probe__extra`"},
	} {
		d := sql.Dialect(tt.dialect)
		t.Run(tt.dialect, func(t *testing.T) {
			got, _ := selected(tt.dialect, d.Table("probes").As("e_probe"), "e_probe", "extra", "e_probe__extra", tt.json).Query()
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			// What ent writes for the same column.
			s := d.Select().From(d.Table("probes").As("e_probe"))
			x := sql.Expr(s.C("extra"))
			if len(tt.json) > 0 && tt.dialect == dialect.SQLite {
				x = sql.Expr("CAST(" + s.C("extra") + " AS TEXT)")
			}
			s.AppendSelectExprAs(x, "e_probe__extra")
			ours := d.Select().From(d.Table("probes").As("e_probe"))
			ours.AppendSelectExpr(selected(tt.dialect, d.Table("probes").As("e_probe"), "e_probe", "extra", "e_probe__extra", tt.json))
			if a, b := s.String(), ours.String(); a != b {
				t.Errorf("ent writes %s, selected %s", a, b)
			}
		})
	}
}
