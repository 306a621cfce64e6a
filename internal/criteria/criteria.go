// Package criteria holds the shape of title criteria and the rule that turns
// an evaluation's scores into a result. Criteria are data, versioned per
// campaign and edited by each province; this package only computes.
package criteria

import (
	"fmt"
	"math"
	"strings"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// Criterion is one criterion of a set.
type Criterion struct {
	Code      string  `json:"code"`
	Text      string  `json:"text"`
	Group     string  `json:"group,omitempty"`
	MaxPoints float64 `json:"maxPoints"`
	Required  bool    `json:"required"`
	// Record, when set (LEARNING_CITIZEN sets only), is what the citizen's
	// lifelong-learning record must hold for a FINAL evaluation to give the
	// criterion any points.
	Record *RecordRule `json:"record,omitempty"`
}

// RecordRule is what a citizen's lifelong-learning record must hold, in the
// campaign's year, for a criterion to be given points: VERIFIED activities
// (not archived, overlapping the year) and the hours they declare.
type RecordRule struct {
	MinActivities int     `json:"minActivities,omitempty"`
	MinHours      float64 `json:"minHours,omitempty"`
}

// RecordFacts is what a citizen's record holds for a year: the VERIFIED,
// non-archived activities overlapping it and their hours.
type RecordFacts struct {
	Year       int
	Activities int
	Hours      float64
}

// Limits of a record rule.
const (
	MaxRecordActivities = 100
	MaxRecordHours      = 10000
)

// Rule turns scores into a result: PASSED when the total reaches PassPoints,
// every criterion reaches MinShare of its points, and every required
// criterion has all of its points; for leveled titles (TT 25) Levels lists
// the totals that reach level 1, 2, …
type Rule struct {
	PassPoints float64   `json:"passPoints"`
	MinShare   float64   `json:"minShare"`
	Levels     []float64 `json:"levels,omitempty"`
}

// Result is what scores come to under a rule.
type Result struct {
	Total  float64
	Passed bool
	// Level is the highest level reached (1, 2, …) for leveled rules; 0 when
	// none or not leveled.
	Level int
}

var (
	msgUnknownCode = i18n.Message{VI: "Không có tiêu chí %s trong bộ tiêu chí.", EN: "There is no criterion %s in the set."}
	msgMissing     = i18n.Message{VI: "Chưa chấm tiêu chí %s.", EN: "Criterion %s is not scored."}
	msgOutOfRange  = i18n.Message{VI: "Điểm tiêu chí %s phải từ 0 đến %g.", EN: "The points of criterion %s must be from 0 to %g."}
	msgEmptySet    = i18n.Message{VI: "Bộ tiêu chí cần ít nhất một tiêu chí.", EN: "A set needs at least one criterion."}
	msgCodeDup     = i18n.Message{VI: "Mã tiêu chí %s bị trùng.", EN: "The criterion code %s is used twice."}
	msgBadMax      = i18n.Message{VI: "Điểm tối đa phải lớn hơn 0 và không quá 1000.", EN: "Maximum points must be above 0 and at most 1000."}
	msgBadPass     = i18n.Message{VI: "Điểm đạt phải từ 0 đến tổng điểm tối đa (%g).", EN: "The pass mark must be from 0 to the total of maximum points (%g)."}
	msgBadShare    = i18n.Message{VI: "Tỷ lệ tối thiểu mỗi tiêu chí phải từ 0 đến 1.", EN: "The minimum share per criterion must be from 0 to 1."}
	msgBadLevels   = i18n.Message{VI: "Ngưỡng các mức phải tăng dần, từ điểm đạt đến tổng điểm tối đa.", EN: "Level thresholds must rise, from the pass mark to the total of maximum points."}
	msgBadMinActs  = i18n.Message{VI: "Số hoạt động tối thiểu phải từ 0 đến %d.", EN: "The minimum number of activities must be from 0 to %d."}
	msgBadMinHours = i18n.Message{VI: "Số giờ tối thiểu phải từ 0 đến %d.", EN: "The minimum hours must be from 0 to %d."}
	msgEmptyRecord = i18n.Message{VI: "Yêu cầu hồ sơ cần ít nhất số hoạt động hoặc số giờ tối thiểu.", EN: "A record rule needs a minimum number of activities or of hours."}
	// The shortfalls of a citizen's record against a criterion's rule.
	msgLacksActs  = i18n.Message{VI: "Tiêu chí %s cần ít nhất %d hoạt động học tập đã xác minh trong năm %d; hồ sơ học tập mới có %d.", EN: "Criterion %s needs %d or more verified learning activities in %d; the record has %d."}
	msgLacksHours = i18n.Message{VI: "Tiêu chí %s cần ít nhất %g giờ học đã xác minh trong năm %d; hồ sơ học tập mới có %g giờ.", EN: "Criterion %s needs %g or more verified hours of learning in %d; the record has %g."}
	msgLacksBoth  = i18n.Message{VI: "Tiêu chí %s cần ít nhất %d hoạt động học tập và %g giờ học đã xác minh trong năm %d; hồ sơ học tập mới có %d hoạt động, %g giờ.", EN: "Criterion %s needs %d or more verified learning activities and %g or more verified hours in %d; the record has %d activities and %g hours."}
)

// Score applies rule to scores. Every criterion must be scored within its
// points and no other code given; errors name the field "scores.<code>".
func Score(cs []Criterion, rule Rule, scores map[string]float64) (Result, error) {
	known := make(map[string]bool, len(cs))
	for _, c := range cs {
		known[c.Code] = true
	}
	for code := range scores {
		if !known[code] {
			return Result{}, apperr.Input("scores."+code, msgUnknownCode, code)
		}
	}
	r := Result{Passed: true}
	for _, c := range cs {
		p, ok := scores[c.Code]
		if !ok {
			return Result{}, apperr.Input("scores."+c.Code, msgMissing, c.Code)
		}
		if p < 0 || p > c.MaxPoints || math.IsNaN(p) {
			return Result{}, apperr.Input("scores."+c.Code, msgOutOfRange, c.Code, c.MaxPoints)
		}
		r.Total += p
		if p < rule.MinShare*c.MaxPoints || c.Required && p < c.MaxPoints {
			r.Passed = false
		}
	}
	if r.Total < rule.PassPoints {
		r.Passed = false
	}
	if r.Passed {
		for i, threshold := range rule.Levels {
			if r.Total >= threshold {
				r.Level = i + 1
			}
		}
		if len(rule.Levels) > 0 && r.Level == 0 {
			r.Passed = false
		}
	}
	return r, nil
}

// Validate checks a set before it is saved; errors name the field as
// "criteria[i].field" or "rule.field".
func Validate(cs []Criterion, rule Rule) error {
	if len(cs) == 0 {
		return apperr.Input("criteria", msgEmptySet)
	}
	seen := map[string]bool{}
	total := 0.0
	for i, c := range cs {
		f := fmt.Sprintf("criteria[%d].", i)
		switch {
		case strings.TrimSpace(c.Code) == "":
			return apperr.Input(f+"code", apperr.MsgRequired)
		case len(c.Code) > 16:
			return apperr.Input(f+"code", apperr.MsgTooLong, 16)
		case seen[c.Code]:
			return apperr.Input(f+"code", msgCodeDup, c.Code)
		case strings.TrimSpace(c.Text) == "":
			return apperr.Input(f+"text", apperr.MsgRequired)
		case len([]rune(c.Text)) > 2000:
			return apperr.Input(f+"text", apperr.MsgTooLong, 2000)
		case !(c.MaxPoints > 0 && c.MaxPoints <= 1000):
			return apperr.Input(f+"maxPoints", msgBadMax)
		}
		if r := c.Record; r != nil {
			switch {
			case r.MinActivities < 0 || r.MinActivities > MaxRecordActivities:
				return apperr.Input(f+"record.minActivities", msgBadMinActs, MaxRecordActivities)
			case !(r.MinHours >= 0 && r.MinHours <= MaxRecordHours):
				return apperr.Input(f+"record.minHours", msgBadMinHours, MaxRecordHours)
			case r.MinActivities == 0 && r.MinHours == 0:
				return apperr.Input(f+"record", msgEmptyRecord)
			}
		}
		seen[c.Code] = true
		total += c.MaxPoints
	}
	if !(rule.PassPoints >= 0 && rule.PassPoints <= total) {
		return apperr.Input("rule.passPoints", msgBadPass, total)
	}
	if !(rule.MinShare >= 0 && rule.MinShare <= 1) {
		return apperr.Input("rule.minShare", msgBadShare)
	}
	prev := rule.PassPoints
	for _, l := range rule.Levels {
		if !(l >= prev && l <= total) {
			return apperr.Input("rule.levels", msgBadLevels)
		}
		prev = l
	}
	return nil
}

// RecordGaps lists, for each criterion given points above 0 whose record
// rule the facts do not meet, an input error naming "scores.<code>" that
// says what the record lacks. A criterion given 0 points asks nothing of
// the record: an evaluator may always score what the record cannot back.
func RecordGaps(cs []Criterion, scores map[string]float64, f RecordFacts) []*apperr.Error {
	var out []*apperr.Error
	for _, c := range cs {
		r := c.Record
		if r == nil || scores[c.Code] <= 0 {
			continue
		}
		acts, hours := f.Activities < r.MinActivities, f.Hours < r.MinHours
		field := "scores." + c.Code
		switch {
		case acts && hours:
			out = append(out, apperr.Input(field, msgLacksBoth, c.Code, r.MinActivities, r.MinHours, f.Year, f.Activities, f.Hours))
		case acts:
			out = append(out, apperr.Input(field, msgLacksActs, c.Code, r.MinActivities, f.Year, f.Activities))
		case hours:
			out = append(out, apperr.Input(field, msgLacksHours, c.Code, r.MinHours, f.Year, f.Hours))
		}
	}
	return out
}

// HasRecordRule reports whether any criterion asks for the record.
func HasRecordRule(cs []Criterion) bool {
	for _, c := range cs {
		if c.Record != nil {
			return true
		}
	}
	return false
}
