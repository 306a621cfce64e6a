// Package recordsummary sums up citizens' lifelong-learning records by year:
// what the learning-citizen evaluation counts, what officers see beside
// each citizen, and the progress report's citizen figures. Every function
// reads many citizens in a fixed number of statements.
package recordsummary

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/predicate"
	"hoctap/ent/user"
	"hoctap/internal/criteria"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
)

// YearBounds are the first instant of year and of the next one in Vietnam:
// activities are dated by day, and a day is stored as its midnight there
// (derive.Days).
func YearBounds(year int) (from, to time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, i18n.Vietnam), time.Date(year+1, 1, 1, 0, 0, 0, 0, i18n.Vietnam)
}

// InYear keeps the activities of a record that count in year: not archived
// (removed from the record), and overlapping the year — started before it
// ends, and not ended before it starts (one still going on has no end).
func InYear(year int) predicate.LearningActivity {
	from, to := YearBounds(year)
	return learningactivity.And(
		learningactivity.ArchivedAtIsNil(),
		learningactivity.StartedOnLT(to),
		learningactivity.Or(learningactivity.EndedOnIsNil(), learningactivity.EndedOnGTE(from)),
	)
}

// Facts is what one citizen's record holds for the learning-citizen
// criteria of year: their VERIFIED activities that count in it. One
// statement.
func Facts(ctx context.Context, c *ent.Client, citizenID, year int) (criteria.RecordFacts, error) {
	var rows []struct {
		Count int     `json:"count"`
		Hours float64 `json:"sum"`
	}
	err := c.LearningActivity.Query().
		Where(learningactivity.CitizenID(citizenID), learningactivity.StatusEQ(learningactivity.StatusVERIFIED), InYear(year)).
		Aggregate(ent.Count(), coalescedSum(learningactivity.FieldHours)).
		Scan(ctx, &rows)
	if err != nil {
		return criteria.RecordFacts{}, fmt.Errorf("record facts of citizen %d: %w", citizenID, err)
	}
	f := criteria.RecordFacts{Year: year}
	if len(rows) > 0 {
		f.Activities, f.Hours = rows[0].Count, rows[0].Hours
	}
	return f, nil
}

// coalescedSum is SUM(column), 0 rather than NULL over no rows, named "sum".
func coalescedSum(column string) ent.AggregateFunc {
	return func(s *sql.Selector) string {
		return sql.As(fmt.Sprintf("COALESCE(SUM(%s), 0)", s.C(column)), "sum")
	}
}

// Checks are the parts of a record's completeness, each worth an equal
// share of it.
const Checks = 4

// Summary is one citizen's record in one year.
type Summary struct {
	CitizenID int
	Year      int
	// Activities by status, of those that count in the year.
	Verified, Pending, Rejected int
	// VerifiedHours are the hours the verified ones declare.
	VerifiedHours float64
	// Undocumented counts activities with neither an evidence file nor a
	// certificate.
	Undocumented int
	// HasAccount: the citizen signs in with an account of their own (made
	// for them, or claimed and confirmed).
	HasAccount bool
}

// Total is the number of activities that count in the year.
func (s *Summary) Total() int { return s.Verified + s.Pending + s.Rejected }

// Met is how many of the Checks the record meets: the citizen has an
// account; they have at least one activity in the year; every one of those
// has evidence (a file or a certificate); every one is VERIFIED. With no
// activity the last two are not met: there is nothing to show.
func (s *Summary) Met() int {
	n := 0
	if s.HasAccount {
		n++
	}
	if s.Total() > 0 {
		n++
		if s.Undocumented == 0 {
			n++
		}
		if s.Verified == s.Total() {
			n++
		}
	}
	return n
}

// Completeness is Met ÷ Checks, from 0 to 1.
func (s *Summary) Completeness() float64 { return float64(s.Met()) / Checks }

// Load sums up the records of citizens in year, in three statements
// whatever their number: activities by citizen and status, the
// undocumented ones by citizen, and the accounts. All are read as ctx's
// viewer: a record they may not read sums up empty, and an account they may
// not read (a housemate's, to a citizen) counts as none.
func Load(ctx context.Context, c *ent.Client, citizenIDs []int, year int) (map[int]*Summary, error) {
	out := make(map[int]*Summary, len(citizenIDs))
	for _, id := range citizenIDs {
		out[id] = &Summary{CitizenID: id, Year: year}
	}
	if len(citizenIDs) == 0 {
		return out, nil
	}
	var byStatus []struct {
		CitizenID int                     `json:"citizen_id"`
		Status    learningactivity.Status `json:"status"`
		Count     int                     `json:"count"`
		Hours     float64                 `json:"sum"`
	}
	err := c.LearningActivity.Query().
		Where(learningactivity.CitizenIDIn(citizenIDs...), InYear(year)).
		GroupBy(learningactivity.FieldCitizenID, learningactivity.FieldStatus).
		Aggregate(ent.Count(), coalescedSum(learningactivity.FieldHours)).
		Scan(ctx, &byStatus)
	if err != nil {
		return nil, fmt.Errorf("record summaries: %w", err)
	}
	for _, g := range byStatus {
		s := out[g.CitizenID]
		if s == nil {
			continue
		}
		switch g.Status {
		case learningactivity.StatusVERIFIED:
			s.Verified, s.VerifiedHours = g.Count, g.Hours
		case learningactivity.StatusPENDING:
			s.Pending = g.Count
		case learningactivity.StatusREJECTED:
			s.Rejected = g.Count
		}
	}
	var undocumented []struct {
		CitizenID int `json:"citizen_id"`
		Count     int `json:"count"`
	}
	err = c.LearningActivity.Query().
		Where(learningactivity.CitizenIDIn(citizenIDs...), InYear(year),
			learningactivity.Or(learningactivity.CertificateIsNil(), learningactivity.CertificateEQ("")),
			learningactivity.Not(learningactivity.HasEvidence())).
		GroupBy(learningactivity.FieldCitizenID).
		Aggregate(ent.Count()).
		Scan(ctx, &undocumented)
	if err != nil {
		return nil, fmt.Errorf("record summaries: undocumented: %w", err)
	}
	for _, g := range undocumented {
		if s := out[g.CitizenID]; s != nil {
			s.Undocumented = g.Count
		}
	}
	holders, err := c.User.Query().
		Where(user.LearningUnitIDIn(citizenIDs...), user.Disabled(false)).
		Select(user.FieldLearningUnitID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("record summaries: accounts: %w", err)
	}
	for _, id := range holders {
		if s := out[id]; s != nil {
			s.HasAccount = true
		}
	}
	return out, nil
}

// Activities lists the activities of citizens that count in year, by
// citizen, oldest first: one statement, read as ctx's viewer.
func Activities(ctx context.Context, c *ent.Client, citizenIDs []int, year int) (map[int][]*ent.LearningActivity, error) {
	out := map[int][]*ent.LearningActivity{}
	if len(citizenIDs) == 0 {
		return out, nil
	}
	all, err := c.LearningActivity.Query().
		Where(learningactivity.CitizenIDIn(citizenIDs...), InYear(year)).
		Order(ent.Asc(learningactivity.FieldStartedOn), ent.Asc(learningactivity.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("record activities: %w", err)
	}
	for _, a := range all {
		out[a.CitizenID] = append(out[a.CitizenID], a)
	}
	return out, nil
}

// PathCounts are the progress report's citizen figures at one admin path
// (a village, usually): citizens with any activity in their record, and
// those with a VERIFIED one counting in the year.
type PathCounts struct {
	WithRecord, Verified int
}

// CountByPath counts, per admin path under prefix, the active citizens
// with a record and those with a VERIFIED activity counting in year: two
// grouped statements, driven by the citizens' path index, each testing the
// record with a correlated EXISTS on the (citizen_id, started_on) index.
// Run as the system: the caller has checked that the viewer may read the
// report.
func CountByPath(ctx context.Context, c *ent.Client, prefix string, year int) (map[string]PathCounts, error) {
	out := map[string]PathCounts{}
	count := func(has predicate.LearningActivity, set func(*PathCounts, int)) error {
		var rows []struct {
			AdminPath string `json:"admin_path"`
			Count     int    `json:"count"`
		}
		err := c.LearningUnit.Query().
			Where(learningunit.KindEQ(learningunit.KindCITIZEN), learningunit.ArchivedAtIsNil(),
				func(s *sql.Selector) { s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), prefix)) },
				learningunit.HasActivitiesWith(has)).
			GroupBy(learningunit.FieldAdminPath).
			Aggregate(ent.Count()).
			Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("record counts under %s: %w", prefix, err)
		}
		for _, r := range rows {
			pc := out[r.AdminPath]
			set(&pc, r.Count)
			out[r.AdminPath] = pc
		}
		return nil
	}
	if err := count(learningactivity.ArchivedAtIsNil(), func(pc *PathCounts, n int) { pc.WithRecord = n }); err != nil {
		return nil, err
	}
	err := count(learningactivity.And(learningactivity.StatusEQ(learningactivity.StatusVERIFIED), InYear(year)),
		func(pc *PathCounts, n int) { pc.Verified = n })
	if err != nil {
		return nil, err
	}
	return out, nil
}
