package client

import (
	"context"
	"errors"
	"fmt"
)

// maxPages bounds one Sync: a commune of 3,000 households is some 60 pages
// of 200; a feed that never ends is a bug to report, not to loop on.
const maxPages = 10_000

// changesPage is a page of the feed as SyncPage selects it.
type changesPage struct {
	Cursor  string
	HasMore bool
	Reset   bool
	Changes []struct {
		Node      Object
		Tombstone *struct{ ID, Typename, Reason string }
	}
}

// Sync brings the store up to date with the changes feed: it pages from
// the stored cursor until the feed has nothing more, storing each page with
// its cursor. A page with reset (the first of a full sync, or the account's
// scope changed) drops every object first; tombstones, whatever their
// reason, drop theirs. A cursor the server no longer resumes (CURSOR_EXPIRED,
// or BAD_USER_INPUT on since: another server's) starts a full sync. The
// outbox is not touched: Push first, then Sync, to see the server's version
// of what was sent.
func (c *Client) Sync(ctx context.Context) error {
	for range maxPages {
		vars := map[string]any{"since": nil}
		if cur := c.Store.Cursor(); cur != "" {
			vars["since"] = cur
		}
		var out struct{ Changes changesPage }
		err := c.Do(ctx, SyncPage, vars, &out)
		if vars["since"] != nil && cursorRefused(err) {
			if err := c.Store.forgetCursor(); err != nil {
				return err
			}
			continue // the full sync's first page has reset: true
		}
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if err := c.Store.applyPage(out.Changes); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if !out.Changes.HasMore {
			return nil
		}
	}
	return errors.New("sync: the feed did not end")
}

// cursorRefused reports whether err says the cursor cannot be resumed.
func cursorRefused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == "CURSOR_EXPIRED" || e.Code == "BAD_USER_INPUT" && e.Field == "since"
}
