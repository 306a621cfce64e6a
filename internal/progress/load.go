package progress

import (
	"context"
	"fmt"
	"strings"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/viewer"
)

var msgNotInCampaign = i18n.Message{VI: "Đơn vị không thuộc tỉnh của chiến dịch.", EN: "The unit is not in the campaign's province."}

// Load reads the campaign and the unit as the viewer, so that either one out
// of scope is NOT_FOUND (naming campaignID or unitID), and builds the
// report. The API's progress query and the exports both use it.
func Load(ctx context.Context, c *ent.Client, campaignID, unitID int) (*Report, error) {
	camp, err := c.Campaign.Get(ctx, campaignID)
	if err != nil {
		return nil, notFoundAs("campaignID", err)
	}
	return LoadIn(ctx, c, camp, unitID)
}

// LoadIn is Load for a campaign the caller has already read. The unit and
// its children are read in one query.
func LoadIn(ctx context.Context, c *ent.Client, camp *ent.Campaign, unitID int) (*Report, error) {
	found, err := c.AdminUnit.Query().
		Where(adminunit.Or(adminunit.ID(unitID), adminunit.ParentID(unitID))).
		Order(ent.Asc(adminunit.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("progress: unit: %w", err)
	}
	var unit *ent.AdminUnit
	children := found[:0:0]
	for _, u := range found {
		if u.ID == unitID {
			unit = u
		} else {
			children = append(children, u)
		}
	}
	if unit == nil {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "unitID", Msg: apperr.MsgNotFound}
	}
	// The units above one's scope are readable for their names, not for
	// what they count of the units beside one's own: their reports read as
	// missing, as they did before the names were shown.
	if !viewer.FromContext(ctx).ReachesPast(unit.Path) {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: "unitID", Msg: apperr.MsgNotFound}
	}
	if !strings.HasPrefix(unit.Path, camp.ScopePath) {
		return nil, apperr.Input("unitID", msgNotInCampaign)
	}
	return build(ctx, c, camp, unit, children)
}

// notFoundAs names the argument of a read that found nothing.
func notFoundAs(field string, err error) error {
	if ent.IsNotFound(err) {
		return &apperr.Error{Code: apperr.NotFound, Field: field, Msg: apperr.MsgNotFound, Err: err}
	}
	return err
}
