package graph

import (
	"context"

	"hoctap/ent"
	"hoctap/ent/reorganisation"
	"hoctap/graph/model"
	"hoctap/internal/adminunits"
	"hoctap/internal/apperr"
	"hoctap/internal/catalog"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg"
	"hoctap/internal/reorg/spec"
)

// specOf turns the API's changes into the form the decision keeps.
func specOf(in model.PlanReorganisationInput) spec.Spec {
	s := spec.Spec{Changes: make([]spec.Change, len(in.Changes))}
	for i, c := range in.Changes {
		ch := spec.Change{Kind: spec.Kind(c.Kind), Sources: c.Sources, Successor: targetOf(c.Successor),
			ParentID: deref(c.ParentID), ParentKey: deref(c.ParentKey), WithinID: deref(c.WithinID), New: unitOf(c.New), Note: deref(c.Note)}
		if c.Level != nil {
			ch.Level = string(*c.Level)
		}
		for _, p := range c.Parts {
			part := spec.Part{Villages: p.Villages}
			if t := targetOf(p.Successor); t != nil {
				part.Successor = *t
			}
			ch.Parts = append(ch.Parts, part)
		}
		s.Changes[i] = ch
	}
	for _, us := range in.UserScopes {
		s.UserScopes = append(s.UserScopes, spec.UserScope{UserID: us.UserID, ScopeID: deref(us.ScopeID), ScopeKey: deref(us.ScopeKey)})
	}
	return s
}

func targetOf(t *model.UnitTargetInput) *spec.Target {
	if t == nil {
		return nil
	}
	return &spec.Target{ID: deref(t.ID), Key: deref(t.Key), New: unitOf(t.New)}
}

func unitOf(u *model.NewAdminUnitInput) *spec.Unit {
	if u == nil {
		return nil
	}
	return &spec.Unit{Key: deref(u.Key), Code: u.Code, Name: u.Name, Type: u.Type, Level: string(u.Level),
		ParentID: deref(u.ParentID), ParentKey: deref(u.ParentKey), Disadvantaged: deref(u.Disadvantaged)}
}

// problemField is where a problem lies in the input.
func problemField(p *reorg.Problem) string {
	return reorg.ProblemField(*p)
}

// problemMessage is a problem in the request's language.
func problemMessage(ctx context.Context, p *reorg.Problem) string {
	return p.Text(i18n.FromContext(ctx))
}

// appliedBefore answers for a reorganisation applied earlier: what it did,
// as it recorded, without the lists.
func appliedBefore(r *model.ReorganisationPlan) *model.ReorganisationPlan {
	out := r.Reorganisation.Outcome
	r.Impact = &reorg.Impact{LearningUnits: out["learningUnits"], Registrations: out["registrations"]}
	return r
}

// optional is a text, or null when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// importUnits compares the uploaded catalogue with the tree and records what
// can be applied as a planned reorganisation, with its plan.
func importUnits(ctx context.Context, c *ent.Client, in model.ImportUnitsInput) (*model.UnitImport, error) {
	// Who may import comes first (README: a VIEWER never sees
	// BAD_USER_INPUT), then the size of the files read whole.
	if err := reorg.Roles.May(ctx, "importUnits"); err != nil {
		return nil, err
	}
	if in.Catalogue.Size > MaxCatalogueFile {
		return nil, apperr.Input("catalogue", msgUploadTooLarge, bytesText(MaxCatalogueFile))
	}
	if in.Merger != nil && in.Merger.Size > MaxCatalogueFile {
		return nil, apperr.Input("merger", msgUploadTooLarge, bytesText(MaxCatalogueFile))
	}
	var merger *catalog.File
	if in.Merger != nil {
		merger = &catalog.File{Name: in.Merger.Filename, Body: in.Merger.File}
	}
	res, err := catalog.Compare(ctx, c, catalog.File{Name: in.Catalogue.Filename, Body: in.Catalogue.File}, merger, in.EffectiveOn)
	if err != nil {
		return nil, err
	}
	out := &model.UnitImport{Provinces: res.Provinces}
	for i := range res.Issues {
		out.Issues = append(out.Issues, &res.Issues[i])
	}
	if len(res.Spec.Changes) == 0 {
		return out, nil
	}
	r, err := reorg.Save(ctx, c, 0, reorg.Decision{Number: in.Number, Title: in.Title, Signer: deref(in.Signer),
		SignedOn: in.SignedOn, EffectiveOn: in.EffectiveOn}, res.Spec)
	if err != nil {
		return nil, err
	}
	im, err := reorg.Plan(ctx, c, r)
	if err != nil {
		return nil, err
	}
	out.Plan = &model.ReorganisationPlan{Reorganisation: r, Impact: im}
	return out, nil
}

// reorganised is the answer of closeAdminUnit and moveAdminUnit.
func reorganised(ch *adminunits.Change) *model.AdminUnitReorganised {
	return &model.AdminUnitReorganised{Closed: ch.Unit, Unit: ch.Successor, ReorganisationID: ch.Reorganisation.ID, Impact: ch.Impact}
}

// readable is a row the viewer may not read as null, not an error: the
// privacy policy hides it.
func readable[T any](v *T, err error) (*T, error) {
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// reorganisationVersion checks the version a client planned or applied a
// reorganisation at (op names the mutation, for who may). Applying one
// already applied is not checked: the repeated request is answered with
// applied: false, whatever version it was based on.
func reorganisationVersion(ctx context.Context, c *ent.Client, op string, id int, expected *int) error {
	if expected == nil {
		return nil
	}
	if err := reorg.Roles.May(ctx, op); err != nil {
		return err
	}
	re, err := c.Reorganisation.Get(ctx, id)
	if err != nil {
		return err
	}
	if op == "applyReorganisation" && re.Status == reorganisation.StatusAPPLIED {
		return nil
	}
	return apperr.CheckVersion(expected, re.Version)
}

// forgetAccountsOnCommit has this replica read every session's account
// anew once the mutation's transaction commits: applying a reorganisation
// moves accounts to their new units as raw SQL, which the account cache's
// hooks do not see (auth.Service.ForgetAccounts; other replicas see it
// within --account-cache-ttl).
func (r *Resolver) forgetAccountsOnCommit(ctx context.Context) {
	tx := ent.TxFromContext(ctx)
	if tx == nil || r.Auth == nil {
		return
	}
	r.Auth.ForgetAccountsOnCommit(tx)
}
