package reorg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hoctap/ent"
	"hoctap/ent/reorganisation"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
)

var (
	msgNumber       = i18n.Message{VI: "Cần nhập số quyết định.", EN: "The decision's number is required."}
	msgTitle        = i18n.Message{VI: "Cần nhập trích yếu quyết định.", EN: "The decision's title is required."}
	msgEffective    = i18n.Message{VI: "Ngày hiệu lực không thể trước ngày ký.", EN: "The effective date cannot come before the signing date."}
	msgAlreadyFinal = i18n.Message{VI: "Quyết định này đã được áp dụng, không thể sửa.", EN: "This decision has been applied and cannot change."}
)

// Decision is what a reorganisation's decision says of itself.
type Decision struct {
	Number, Title, Signer string
	SignedOn, EffectiveOn time.Time
}

// Save records a decision and its changes as planned: a new one, or, given
// its id, one not applied yet, whose decision and changes it replaces. The
// tree does not change; Plan tells what applying it would do.
func Save(ctx context.Context, c *ent.Client, id int, d Decision, s spec.Spec) (*ent.Reorganisation, error) {
	if err := Roles.May(ctx, "planReorganisation"); err != nil {
		return nil, err
	}
	d.Number, d.Title, d.Signer = strings.TrimSpace(d.Number), strings.TrimSpace(d.Title), strings.TrimSpace(d.Signer)
	switch {
	case d.Number == "":
		return nil, apperr.Input("number", msgNumber)
	case d.Title == "":
		return nil, apperr.Input("title", msgTitle)
	case dayOf(d.EffectiveOn).Before(dayOf(d.SignedOn)):
		return nil, apperr.Input("effectiveOn", msgEffective)
	}
	var (
		r   *ent.Reorganisation
		err error
	)
	if id == 0 {
		r, err = c.Reorganisation.Create().SetNumber(d.Number).SetTitle(d.Title).SetSigner(d.Signer).
			SetSignedOn(dayOf(d.SignedOn)).SetEffectiveOn(dayOf(d.EffectiveOn)).SetSpec(s).Save(ctx)
	} else {
		old, gerr := c.Reorganisation.Get(ctx, id)
		switch {
		case ent.IsNotFound(gerr):
			return nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Msg: apperr.MsgNotFound, Err: gerr}
		case gerr != nil:
			return nil, fmt.Errorf("plan reorganisation: %w", gerr)
		case old.Status == reorganisation.StatusAPPLIED:
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgAlreadyFinal}
		}
		r, err = c.Reorganisation.UpdateOneID(id).Where(reorganisation.StatusEQ(reorganisation.StatusPLANNED)).
			SetNumber(d.Number).SetTitle(d.Title).SetSigner(d.Signer).
			SetSignedOn(dayOf(d.SignedOn)).SetEffectiveOn(dayOf(d.EffectiveOn)).SetSpec(s).Save(ctx)
		if ent.IsNotFound(err) { // applied meanwhile
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "id", Msg: msgAlreadyFinal, Err: err}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("plan reorganisation: %w", err)
	}
	action := "reorganisation.plan"
	if err := audit.Record(ctx, c, audit.Entry{Action: action, TargetType: "Reorganisation", TargetID: r.ID, ScopePath: "/",
		Details: map[string]any{"number": r.Number, "changes": len(s.Changes)}}); err != nil {
		return nil, err
	}
	return r, nil
}
