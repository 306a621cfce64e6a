package criteria

import (
	"testing"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

var family = []Criterion{
	{Code: "TC1", MaxPoints: 30}, {Code: "TC2", MaxPoints: 30}, {Code: "TC3", MaxPoints: 20}, {Code: "TC4", MaxPoints: 20, Required: false},
}

func TestScore(t *testing.T) {
	rule := Rule{PassPoints: 80, MinShare: 0.5}
	leveled := Rule{PassPoints: 60, MinShare: 0.5, Levels: []float64{60, 80}}
	for _, tt := range []struct {
		name   string
		cs     []Criterion
		rule   Rule
		scores map[string]float64
		want   Result
		field  string
	}{
		{"pass", family, rule, map[string]float64{"TC1": 30, "TC2": 25, "TC3": 15, "TC4": 10}, Result{Total: 80, Passed: true}, ""},
		{"total too low", family, rule, map[string]float64{"TC1": 30, "TC2": 25, "TC3": 10, "TC4": 10}, Result{Total: 75}, ""},
		{"one criterion below half", family, rule, map[string]float64{"TC1": 30, "TC2": 30, "TC3": 20, "TC4": 9}, Result{Total: 89}, ""},
		{"required not met", []Criterion{{Code: "A", MaxPoints: 10, Required: true}, {Code: "B", MaxPoints: 90}}, Rule{PassPoints: 50}, map[string]float64{"A": 9, "B": 90}, Result{Total: 99}, ""},
		{"level 1", family, leveled, map[string]float64{"TC1": 20, "TC2": 20, "TC3": 15, "TC4": 10}, Result{Total: 65, Passed: true, Level: 1}, ""},
		{"level 2", family, leveled, map[string]float64{"TC1": 30, "TC2": 30, "TC3": 15, "TC4": 10}, Result{Total: 85, Passed: true, Level: 2}, ""},
		{"missing", family, rule, map[string]float64{"TC1": 30, "TC2": 25, "TC3": 15}, Result{}, "scores.TC4"},
		{"unknown", family, rule, map[string]float64{"TC1": 30, "TC2": 25, "TC3": 15, "TC4": 10, "TC9": 1}, Result{}, "scores.TC9"},
		{"above max", family, rule, map[string]float64{"TC1": 31, "TC2": 25, "TC3": 15, "TC4": 10}, Result{}, "scores.TC1"},
		{"negative", family, rule, map[string]float64{"TC1": 30, "TC2": -1, "TC3": 15, "TC4": 10}, Result{}, "scores.TC2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Score(tt.cs, tt.rule, tt.scores)
			if tt.field != "" {
				if e, ok := apperr.As(err); !ok || e.Field != tt.field {
					t.Fatalf("err = %v, want a BAD_USER_INPUT on %s", err, tt.field)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Score = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cs    []Criterion
		rule  Rule
		field string
	}{
		{"ok", family, Rule{PassPoints: 80, MinShare: 0.5}, ""},
		{"empty", nil, Rule{}, "criteria"},
		{"duplicate code", []Criterion{{Code: "A", Text: "a", MaxPoints: 1}, {Code: "A", Text: "b", MaxPoints: 1}}, Rule{}, "criteria[1].code"},
		{"no text", []Criterion{{Code: "A", MaxPoints: 1}}, Rule{}, "criteria[0].text"},
		{"zero points", []Criterion{{Code: "A", Text: "a"}}, Rule{}, "criteria[0].maxPoints"},
		{"pass above total", []Criterion{{Code: "A", Text: "a", MaxPoints: 10}}, Rule{PassPoints: 11}, "rule.passPoints"},
		{"share above one", []Criterion{{Code: "A", Text: "a", MaxPoints: 10}}, Rule{MinShare: 2}, "rule.minShare"},
		{"levels falling", []Criterion{{Code: "A", Text: "a", MaxPoints: 100}}, Rule{PassPoints: 60, Levels: []float64{80, 70}}, "rule.levels"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.cs
			if tt.name == "ok" {
				cs = append([]Criterion(nil), family...)
				for i := range cs {
					cs[i].Text = "x"
				}
			}
			err := Validate(cs, tt.rule)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := apperr.As(err); !ok || e.Field != tt.field {
				t.Fatalf("err = %v, want one on %s", err, tt.field)
			}
		})
	}
}

func TestRecordGaps(t *testing.T) {
	cs := []Criterion{
		{Code: "TC1", MaxPoints: 30},
		{Code: "TC2", MaxPoints: 40, Record: &RecordRule{MinActivities: 1}},
		{Code: "TC3", MaxPoints: 30, Record: &RecordRule{MinActivities: 2, MinHours: 10}},
	}
	for _, tt := range []struct {
		name   string
		scores map[string]float64
		facts  RecordFacts
		want   []string // fields of the gaps, in criteria order
		en     string   // the English message of the first gap
	}{
		{"record meets every rule", map[string]float64{"TC2": 40, "TC3": 30}, RecordFacts{Year: 2026, Activities: 2, Hours: 10}, nil, ""},
		{"no points, nothing asked", map[string]float64{"TC2": 0, "TC3": 0}, RecordFacts{Year: 2026}, nil, ""},
		{"no activity", map[string]float64{"TC2": 1}, RecordFacts{Year: 2026}, []string{"scores.TC2"},
			"Criterion TC2 needs 1 or more verified learning activities in 2026; the record has 0."},
		{"too few hours", map[string]float64{"TC3": 20}, RecordFacts{Year: 2026, Activities: 2, Hours: 9.5}, []string{"scores.TC3"},
			"Criterion TC3 needs 10 or more verified hours of learning in 2026; the record has 9.5."},
		{"both short", map[string]float64{"TC2": 40, "TC3": 20}, RecordFacts{Year: 2026, Activities: 1, Hours: 2}, []string{"scores.TC3"},
			"Criterion TC3 needs 2 or more verified learning activities and 10 or more verified hours in 2026; the record has 1 activities and 2 hours."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gaps := RecordGaps(cs, tt.scores, tt.facts)
			var fields []string
			for _, g := range gaps {
				fields = append(fields, g.Field)
			}
			if len(fields) != len(tt.want) || len(fields) > 0 && fields[0] != tt.want[0] {
				t.Fatalf("gaps on %v, want %v", fields, tt.want)
			}
			if tt.en != "" {
				if got := gaps[0].Message(i18n.EN); got != tt.en {
					t.Fatalf("message %q, want %q", got, tt.en)
				}
			}
		})
	}
}

func TestValidateRecordRule(t *testing.T) {
	for _, tt := range []struct {
		name  string
		rule  *RecordRule
		field string
	}{
		{"activities", &RecordRule{MinActivities: 1}, ""},
		{"hours", &RecordRule{MinHours: 20}, ""},
		{"asks nothing", &RecordRule{}, "criteria[0].record"},
		{"negative activities", &RecordRule{MinActivities: -1}, "criteria[0].record.minActivities"},
		{"too many activities", &RecordRule{MinActivities: MaxRecordActivities + 1}, "criteria[0].record.minActivities"},
		{"too many hours", &RecordRule{MinHours: MaxRecordHours + 1}, "criteria[0].record.minHours"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate([]Criterion{{Code: "TC1", Text: "x", MaxPoints: 10, Record: tt.rule}}, Rule{PassPoints: 5})
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := apperr.As(err); !ok || e.Field != tt.field {
				t.Fatalf("err = %v, want one on %s", err, tt.field)
			}
		})
	}
}
