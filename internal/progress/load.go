package progress

import (
	"context"

	"hoctap/ent"
)

// Load reads the campaign and the unit as the viewer, so that either one out
// of scope is NOT_FOUND (naming campaignID or unitID), and builds the
// report, in three statements (read.go). The API's progress query and the
// exports both use it.
func Load(ctx context.Context, c *ent.Client, campaignID, unitID int) (*Report, error) {
	camp, overrides, err := campaignWithTargets(ctx, c, campaignID)
	if err != nil {
		return nil, err
	}
	unit, children, err := unitWithChildren(ctx, c, camp, unitID)
	if err != nil {
		return nil, err
	}
	return build(ctx, c, camp, overrides, unit, children)
}

// LoadIn is Load for a campaign the caller has already read.
func LoadIn(ctx context.Context, c *ent.Client, camp *ent.Campaign, unitID int) (*Report, error) {
	unit, children, err := unitWithChildren(ctx, c, camp, unitID)
	if err != nil {
		return nil, err
	}
	overrides, err := readTargets(ctx, c, camp)
	if err != nil {
		return nil, err
	}
	return build(ctx, c, camp, overrides, unit, children)
}
