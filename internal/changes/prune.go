package changes

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/change"
	"hoctap/ent/setting"
)

// prunedKey names the setting that holds the last position pruned: a cursor
// before it may have missed a row that is gone.
const prunedKey = "changes.pruned_through"

// PrunedThrough is the last position pruned from the log; the zero position
// when nothing was.
func PrunedThrough(ctx context.Context, c *ent.Client) (pos, error) {
	s, err := c.Setting.Query().Where(setting.Key(prunedKey)).Only(system(ctx))
	if ent.IsNotFound(err) {
		return pos{}, nil
	}
	if err != nil {
		return pos{}, fmt.Errorf("changes: pruned position: %w", err)
	}
	x, q, _ := strings.Cut(s.Value, ":")
	var p pos
	p.Xid, err = strconv.ParseInt(x, 10, 64)
	if err == nil {
		p.Seq, err = strconv.ParseInt(q, 10, 64)
	}
	if err != nil {
		return pos{}, fmt.Errorf("changes: pruned position %q: %w", s.Value, err)
	}
	return p, nil
}

// Prune deletes the log rows written before before, and records how far it
// went, so that a cursor from before then answers CURSOR_EXPIRED rather than
// missing them. Rows of transactions that may still be running stay (their
// position is past the horizon). Several replicas pruning at once is
// harmless: each records the furthest position.
func (f Feed) Prune(ctx context.Context, before time.Time) (int, error) {
	tx, err := f.Client.Tx(system(ctx))
	if err != nil {
		return 0, fmt.Errorf("changes: prune: %w", err)
	}
	n, err := Feed{Client: tx.Client(), Dialect: f.Dialect}.prune(system(ctx), before)
	if err != nil {
		return 0, fmt.Errorf("changes: prune: %w", errors.Join(err, tx.Rollback()))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("changes: prune: %w", err)
	}
	return n, nil
}

func (f Feed) prune(ctx context.Context, before time.Time) (int, error) {
	h, err := f.horizon(ctx)
	if err != nil {
		return 0, err
	}
	last, err := f.Client.Change.Query().
		Where(change.CreatedAtLT(before), h.upTo()).
		Order(ent.Desc(change.FieldXid), ent.Desc(change.FieldID)).
		First(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	through := pos{Xid: last.Xid, Seq: int64(last.ID)}
	old, err := PrunedThrough(ctx, f.Client)
	if err != nil {
		return 0, err
	}
	if through.less(old) {
		through = old
	}
	err = f.Client.Setting.Create().SetKey(prunedKey).
		SetValue(strconv.FormatInt(through.Xid, 10) + ":" + strconv.FormatInt(through.Seq, 10)).
		OnConflictColumns(setting.FieldKey).UpdateValue().Exec(ctx)
	if err != nil {
		return 0, err
	}
	return f.Client.Change.Delete().Where(change.CreatedAtLT(before), through.upTo()).Exec(ctx)
}
