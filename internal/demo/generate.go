package demo

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"hoctap/ent/migrate"
	"hoctap/internal/store"
)

// bulkTables are the tables the generator fills by the million; their
// secondary indexes are dropped while it writes and rebuilt afterwards,
// which is several times faster than keeping them up to date row by row.
var bulkTables = []string{"learning_units", "search_keys", "registrations", "evaluations"}

// Timings tells where a generation spent its time.
type Timings struct {
	Prepare, Load, Index, Analyze time.Duration
}

// Generate loads the demo province into an empty database at any scale, as
// fast as the database allows: Scale 1 is the full Thái Bình. Unlike the
// start-up demo it is meant for a database nothing else uses yet.
func Generate(ctx context.Context, db *store.DB, opts Options) (*Result, Timings, error) {
	if opts.Years == nil {
		// The last closed campaign, for recognition rates, and the current
		// one, for the day-to-day operations the load test replays.
		opts.Years = []int{2020, 2021}
	}
	if opts.Provinces == nil {
		// Thái Bình alone: the province the benchmarks measure.
		opts.Provinces = []string{codeThaiBinh}
	}
	return generate(ctx, db, func(ctx context.Context) (*Result, error) { return Load(ctx, db, opts) })
}

// generate prepares an empty database for a bulk load, runs load, and
// rebuilds indexes and statistics.
func generate(ctx context.Context, db *store.DB, load func(context.Context) (*Result, error)) (*Result, Timings, error) {
	var tm Timings
	start := time.Now()
	if err := db.Migrate(ctx); err != nil {
		return nil, tm, err
	}
	empty, err := Empty(ctx, db.Client)
	if err != nil {
		return nil, tm, err
	}
	if !empty {
		return nil, tm, fmt.Errorf("generate: the database is not empty")
	}
	if err := dropIndexes(ctx, db); err != nil {
		return nil, tm, err
	}
	if err := dropForeignKeys(ctx, db); err != nil {
		return nil, tm, err
	}
	if db.Dialect == dialect.SQLite {
		// A new file nothing else uses: no rollback journal, no fsync, a
		// large page cache. A crash means generating again.
		for _, p := range []string{"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA foreign_keys=OFF", "PRAGMA threads=2"} {
			if _, err := db.SQL.ExecContext(ctx, p); err != nil {
				return nil, tm, fmt.Errorf("generate: %s: %w", p, err)
			}
		}
	}
	tm.Prepare = time.Since(start)
	start = time.Now()
	res, err := load(ctx)
	if err != nil {
		return nil, tm, err
	}
	tm.Load = time.Since(start)
	start = time.Now()
	if db.Dialect == dialect.SQLite {
		for _, p := range []string{"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"} {
			if _, err := db.SQL.ExecContext(ctx, p); err != nil {
				return nil, tm, fmt.Errorf("generate: %s: %w", p, err)
			}
		}
	}
	// Migrating again recreates the indexes and foreign keys dropped above.
	if err := db.Migrate(ctx); err != nil {
		return nil, tm, err
	}
	tm.Index = time.Since(start)
	start = time.Now()
	if err := db.Analyze(ctx); err != nil {
		return nil, tm, fmt.Errorf("generate: %w", err)
	}
	tm.Analyze = time.Since(start)
	return res, tm, nil
}

// dropForeignKeys drops the foreign keys of the bulk tables on PostgreSQL,
// where COPY would otherwise check each row against its parents; migrating
// afterwards adds them back, checking every row once.
func dropForeignKeys(ctx context.Context, db *store.DB) error {
	if db.Dialect != dialect.Postgres {
		return nil // SQLite: foreign_keys is switched off for the load instead
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT table_name, constraint_name FROM information_schema.table_constraints
		WHERE constraint_type = 'FOREIGN KEY' AND table_schema = current_schema() AND table_name = ANY($1)`, bulkTables)
	if err != nil {
		return fmt.Errorf("generate: foreign keys: %w", err)
	}
	var drops []string
	for rows.Next() {
		var table, name string
		if err := rows.Scan(&table, &name); err != nil {
			rows.Close()
			return fmt.Errorf("generate: foreign keys: %w", err)
		}
		drops = append(drops, fmt.Sprintf(`ALTER TABLE %q DROP CONSTRAINT %q`, table, name))
	}
	rows.Close()
	for _, q := range drops {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("generate: %s: %w", q, err)
		}
	}
	return nil
}

func dropIndexes(ctx context.Context, db *store.DB) error {
	for _, t := range migrate.Tables {
		for _, name := range bulkTables {
			if t.Name != name {
				continue
			}
			for _, idx := range t.Indexes {
				if _, err := db.SQL.ExecContext(ctx, `DROP INDEX IF EXISTS "`+idx.Name+`"`); err != nil {
					return fmt.Errorf("generate: drop index %s: %w", idx.Name, err)
				}
			}
		}
	}
	return nil
}
