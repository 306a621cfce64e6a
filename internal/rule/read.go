package rule

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/campaign"
	"hoctap/ent/citizenclaim"
	"hoctap/ent/decision"
	"hoctap/ent/evaluation"
	"hoctap/ent/evidencefile"
	"hoctap/ent/importjob"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/privacy"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/search"
	"hoctap/internal/viewer"
)

// reader builds the SQL filter of the rows of one table a viewer below ADMIN
// may read.
type reader func(v reading) func(*sql.Selector)

// reading is the viewer a filter is built for, and whether the statement
// it goes into is led by keys (ent.KeyLed), which changes only how the
// scope is worded (search.KeyLedPrefix), never which rows it keeps. The
// subqueries a filter holds take the same wording: a correlated probe by
// key, or the campaigns, a table of a few rows.
type reading struct {
	*viewer.Viewer
	keyLed bool
}

// prefix is a predicate: column lies under path.
func (v reading) prefix(column, path string) *sql.Predicate {
	if v.keyLed {
		return search.KeyLedPrefix(column, path)
	}
	return search.Prefix(column, path)
}

// readers is the one statement of who reads what, by ent type name
// (ent.TypeAdminUnit, …). The
// query policies apply it to every query, and the GraphQL layer applies it
// inside every edge predicate a client sends in `where`, which ent runs as a
// raw subquery that no policy sees (PITFALLS 13). A type missing here is
// read by nobody but an ADMIN.
var readers = map[string]reader{
	// The units above one's scope are read too, for their names and codes:
	// the breadcrumbs of an officer's commune, a campaign's province, a
	// decision's deciding unit. What they hold (their other children,
	// learning units, reports) stays filtered by the rules of those.
	ent.TypeAdminUnit: func(v reading) func(*sql.Selector) {
		return overlap(adminunit.FieldPath, v)
	},
	ent.TypeLearningUnit: func(v reading) func(*sql.Selector) {
		if v.Role == viewer.RoleCitizen {
			// Their own record, their household and its members.
			return func(s *sql.Selector) {
				s.Where(sql.Or(
					sql.In(s.C(learningunit.FieldID), v.LearningUnitID, v.HouseholdID),
					sql.EQ(s.C(learningunit.FieldParentID), v.HouseholdID),
				))
			}
		}
		return current(learningunit.FieldAdminPath, v)
	},
	ent.TypeUser: func(v reading) func(*sql.Selector) {
		if v.Role == viewer.RoleCitizen {
			return func(s *sql.Selector) { s.Where(sql.EQ(s.C(user.FieldID), v.UserID)) }
		}
		return current(user.FieldScopePath, v)
	},
	ent.TypeAuditLog: func(v reading) func(*sql.Selector) {
		// To roles other than MANAGER the log holds no entry they may see:
		// reads out of reach behave as if the rows did not exist (API.md).
		if v.Role != viewer.RoleManager {
			return func(s *sql.Selector) { s.Where(sql.False()) }
		}
		return inScope(auditlog.FieldScopePath, v)
	},
	// A province's campaigns and decisions concern the admins above it and
	// the officers below it.
	ent.TypeCampaign: func(v reading) func(*sql.Selector) {
		return overlap(campaign.FieldScopePath, v)
	},
	ent.TypeDecision: func(v reading) func(*sql.Selector) {
		return overlap(decision.FieldScopePath, v)
	},
	ent.TypeTarget:      ofVisibleCampaign,
	ent.TypeCriteriaSet: ofVisibleCampaign,
	ent.TypeRegistration: func(v reading) func(*sql.Selector) {
		if v.Role == viewer.RoleCitizen {
			return func(s *sql.Selector) {
				s.Where(sql.In(s.C(registration.FieldLearningUnitID), v.LearningUnitID, v.HouseholdID))
			}
		}
		// Where the unit was at registration.
		return inScope(registration.FieldAdminPath, v)
	},
	ent.TypeEvaluation: visibleRegistration,
	// Reorganisations are planned and applied by ADMINs; what they did
	// shows to everyone on the units themselves (validTo, mergedInto).
	ent.TypeReorganisation: func(reading) func(*sql.Selector) {
		return func(s *sql.Selector) { s.Where(sql.False()) }
	},
	// An import is its uploader's: their file, their report (which names
	// rows of units they alone may write).
	ent.TypeImportJob: func(v reading) func(*sql.Selector) {
		return func(s *sql.Selector) { s.Where(sql.EQ(s.C(importjob.FieldCreatedByID), v.UserID)) }
	},
	// A citizen's claim of their record concerns the staff of the record's
	// place and the claimant, once signed in.
	ent.TypeCitizenClaim: func(v reading) func(*sql.Selector) {
		if v.Role == viewer.RoleCitizen {
			return func(s *sql.Selector) { s.Where(sql.EQ(s.C(citizenclaim.FieldUserID), v.UserID)) }
		}
		return current(citizenclaim.FieldAdminPath, v)
	},
	// A lifelong-learning record is its citizen's, and the staff's of the
	// place the citizen lives now: it follows the person through moves and
	// mergers, so it is filtered by the citizen's current path, not a copy.
	ent.TypeLearningActivity: func(v reading) func(*sql.Selector) {
		return ofCitizen(learningactivity.FieldCitizenID, v)
	},
	ent.TypeEvidenceFile: func(v reading) func(*sql.Selector) {
		return func(s *sql.Selector) {
			t := sql.Table(learningactivity.Table)
			sub := sql.Select(t.C(learningactivity.FieldID)).From(t)
			ofCitizen(learningactivity.FieldCitizenID, v)(sub)
			s.Where(sql.In(s.C(evidencefile.FieldActivityID), sub))
		}
	},
	// The national targets are the government's, the same for every
	// province: everyone signed in reads them all.
	ent.TypeNationalTarget: func(reading) func(*sql.Selector) { return nil },
}

// Read returns the filter that narrows a query of the ent type typeName to
// the rows the viewer of ctx may read: nil when they read every row (an
// ADMIN, or the system), a privacy denial when they read none.
func Read(ctx context.Context, typeName string) (func(*sql.Selector), error) {
	// ent hands back an Allow decision as nil.
	if d, ok := privacy.DecisionFromContext(ctx); ok && d == nil {
		return nil, nil
	}
	v := viewer.FromContext(ctx)
	switch {
	case v == nil:
		return nil, privacy.Denyf("no viewer")
	case v.Role == viewer.RoleAdmin:
		return nil, nil
	case v.ScopePath == "":
		// An empty prefix would match every row.
		return nil, privacy.Denyf("no scope")
	}
	r, ok := readers[typeName]
	if !ok {
		return nil, privacy.Denyf("no read filter for %s", typeName)
	}
	return r(reading{Viewer: v, keyLed: ent.KeyLed(ctx, typeName)}), nil
}

// FilterRead narrows every query to what Read allows, and allows it.
func FilterRead() privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		name, where, err := narrowable(q)
		if err != nil {
			return err
		}
		p, err := Read(ctx, name)
		if err != nil {
			return err
		}
		if p != nil {
			where(p)
		}
		return privacy.Allow
	})
}

// narrowable names the ent type a query reads and how to add a predicate to
// it: the generated queries take typed predicates, hence the switch.
func narrowable(q ent.Query) (string, func(func(*sql.Selector)), error) {
	switch q := q.(type) {
	case *ent.AdminUnitQuery:
		return ent.TypeAdminUnit, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.LearningUnitQuery:
		return ent.TypeLearningUnit, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.UserQuery:
		return ent.TypeUser, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.AuditLogQuery:
		return ent.TypeAuditLog, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.CampaignQuery:
		return ent.TypeCampaign, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.DecisionQuery:
		return ent.TypeDecision, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.TargetQuery:
		return ent.TypeTarget, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.CriteriaSetQuery:
		return ent.TypeCriteriaSet, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.RegistrationQuery:
		return ent.TypeRegistration, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.EvaluationQuery:
		return ent.TypeEvaluation, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.ReorganisationQuery:
		return ent.TypeReorganisation, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.NationalTargetQuery:
		return ent.TypeNationalTarget, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.ImportJobQuery:
		return ent.TypeImportJob, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.CitizenClaimQuery:
		return ent.TypeCitizenClaim, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.LearningActivityQuery:
		return ent.TypeLearningActivity, func(p func(*sql.Selector)) { q.Where(p) }, nil
	case *ent.EvidenceFileQuery:
		return ent.TypeEvidenceFile, func(p func(*sql.Selector)) { q.Where(p) }, nil
	}
	return "", nil, privacy.Denyf("no read filter for %T", q)
}

// current keeps the rows whose materialised path column lies in the
// viewer's scope as it stands: the rows that live on (learning units,
// accounts) moved with their units, so the scope's predecessors hold none.
func current(column string, v reading) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(v.prefix(s.C(column), v.ScopePath)) }
}

// inScope keeps the rows whose path column lies in the viewer's scope or in
// a unit it took over (see viewer.Predecessors): records keep the path of
// the tree they were made on.
func inScope(column string, v reading) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(inScopeP(s.C(column), v)) }
}

func inScopeP(c string, v reading) *sql.Predicate {
	ps := []*sql.Predicate{v.prefix(c, v.ScopePath)}
	for _, e := range v.Predecessors {
		if p, whole := e.Path(); whole {
			ps = append(ps, v.prefix(c, p))
		} else {
			ps = append(ps, sql.EQ(c, p))
		}
	}
	if len(ps) == 1 {
		return ps[0]
	}
	return sql.Or(ps...)
}

// overlap keeps rows whose path column is in the viewer's scope (with its
// predecessors) or above it (or above one of them).
func overlap(column string, v reading) func(*sql.Selector) {
	return func(s *sql.Selector) {
		c := s.C(column)
		s.Where(sql.Or(inScopeP(c, v), search.InLineage(c, append(predecessorPaths(v), v.ScopePath)...)))
	}
}

// predecessorPaths lists the paths of the viewer's predecessors.
func predecessorPaths(v reading) []string {
	out := make([]string, len(v.Predecessors))
	for i, e := range v.Predecessors {
		out[i], _ = e.Path()
	}
	return out
}

// ofVisibleCampaign keeps targets and criteria sets of the campaigns the
// viewer sees.
func ofVisibleCampaign(v reading) func(*sql.Selector) {
	return func(s *sql.Selector) {
		t := sql.Table(campaign.Table)
		sub := sql.Select(t.C(campaign.FieldID)).From(t)
		overlap(campaign.FieldScopePath, v)(sub)
		s.Where(sql.In(s.C("campaign_id"), sub))
	}
}

// ReadsRecords reports whether v's role reads lifelong-learning records at
// all (ofCitizen says whose): for the pages that show a record as a whole.
func ReadsRecords(v *viewer.Viewer) bool {
	switch v.Role {
	case viewer.RoleAdmin, viewer.RoleOfficer, viewer.RoleCollaborator, viewer.RoleCitizen:
		return true
	}
	return false
}

// ReadsRecordOf reports whether the viewer of ctx reads the record of the
// citizen citizenID, as ofCitizen decides for its rows: for the domain
// rules that count a record as the system (the learning-citizen criteria)
// and must not answer about one the viewer may not read.
func ReadsRecordOf(ctx context.Context, c *ent.Client, citizenID int) (bool, error) {
	switch p, err := Read(ctx, ent.TypeLearningActivity); {
	case err != nil: // a privacy denial: the viewer reads no record
		return false, nil
	case p == nil:
		return true, nil
	}
	// The records' own rule, asked of the citizen's learning unit (worded
	// for a statement the scope leads, like any the caller starts).
	ok, err := c.LearningUnit.Query().
		Where(learningunit.ID(citizenID), ofCitizen(learningunit.FieldID, reading{Viewer: viewer.FromContext(ctx)})).
		Exist(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return false, fmt.Errorf("whether the viewer reads record %d: %w", citizenID, err)
	}
	return ok, nil
}

// ofCitizen keeps the rows whose column names a citizen the viewer may read
// the record of: a CITIZEN their own only (not their household's members),
// the field staff who verify and evaluate it (OFFICER, COLLABORATOR) the
// citizens living in their scope now. A record is personal: MANAGERs and
// VIEWERs see what it adds up to in progress reports, not the record. The
// test is a correlated EXISTS, a primary-key probe per row, like
// visibleRegistration's.
func ofCitizen(column string, v reading) func(*sql.Selector) {
	return func(s *sql.Selector) {
		switch {
		case !ReadsRecords(v.Viewer):
			s.Where(sql.False())
			return
		case v.Role == viewer.RoleCitizen:
			s.Where(sql.EQ(s.C(column), v.LearningUnitID))
			return
		}
		// Aliased, so the rule also holds on the learning units table itself
		// (ReadsRecordOf).
		t := sql.Table(learningunit.Table).As("record_citizen")
		s.Where(sql.Exists(sql.Select(t.C(learningunit.FieldID)).From(t).
			Where(sql.And(sql.ColumnsEQ(t.C(learningunit.FieldID), s.C(column)),
				v.prefix(t.C(learningunit.FieldAdminPath), v.ScopePath)))))
	}
}

// visibleRegistration keeps evaluations of registrations the viewer sees.
// The test is a correlated EXISTS, a primary-key probe per evaluation: an
// uncorrelated `registration_id IN (SELECT … in scope)` made SQLite build a
// temporary table of every registration in the viewer's scope (millions for
// a province) to answer a household's two evaluations.
func visibleRegistration(v reading) func(*sql.Selector) {
	return func(s *sql.Selector) {
		t := sql.Table(registration.Table)
		visible := inScopeP(t.C(registration.FieldAdminPath), v)
		if v.Role == viewer.RoleCitizen {
			visible = sql.In(t.C(registration.FieldLearningUnitID), v.LearningUnitID, v.HouseholdID)
		}
		s.Where(sql.Exists(sql.Select(t.C(registration.FieldID)).From(t).
			Where(sql.And(sql.ColumnsEQ(t.C(registration.FieldID), s.C(evaluation.FieldRegistrationID)), visible))))
	}
}
