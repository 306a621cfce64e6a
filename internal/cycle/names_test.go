package cycle

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/titles"
)

// rawEnum matches an enum value as the API spells it (LEARNING_FAMILY,
// HOUSEHOLD, EVALUATION), which no message may contain.
var rawEnum = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b|\b[A-Z]{3,}\b`)

// TestMessagesNameEnums renders every message of the title cycle that takes
// a phase, a status, a title, a kind or a level, for every value (the
// tables of internal/titles, which TestNamesCoverEveryValue holds to the
// schema) and in both languages: each names the value as people do, never
// as the enum the API spells.
func TestMessagesNameEnums(t *testing.T) {
	past := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	type rendered struct {
		what  string
		err   error
		names []i18n.Message // the names the message must show
	}
	var cases []rendered
	add := func(what string, err error, names ...i18n.Message) {
		cases = append(cases, rendered{what, err, names})
	}
	for _, p := range slices.Sorted(maps.Keys(titles.PhaseNames)) {
		name := titles.PhaseName(p)
		add("phase "+string(p), inPhase(&ent.Campaign{Phase: p}, actRegister, past), name, actRegister)
		if p != campaign.PhasePLANNING && p != campaign.PhaseCLOSED { // the phases with a window
			add("window of "+string(p), inPhase(&ent.Campaign{Phase: p, RegistrationEnds: &past, EvaluationEnds: &past, RecognitionEnds: &past},
				actRegister, time.Now(), p), name)
		}
		add("moved to "+string(p), movedMeanwhile(p), name)
	}
	for _, s := range slices.Sorted(maps.Keys(titles.StatusNames)) {
		for _, act := range []i18n.Message{actEvaluate, actRecognize, actReject, actWithdraw} {
			add("status "+string(s)+" "+act.EN, statusError("id", s, act), titles.StatusName(s), act)
		}
		add("handled "+string(s), handledError(7, s), titles.StatusName(s))
	}
	for _, l := range slices.Sorted(maps.Keys(titles.LevelNames)) {
		add("deciding level "+string(l), decidingLevelError(l), titles.LevelName(l))
		_, err := decidingLevels([]TitleLevel{{titles.Family, l}})
		if l == adminunit.LevelVILLAGE || l == adminunit.LevelCOUNTRY {
			add("level "+string(l)+" decides nothing", err, titles.LevelName(l))
		}
	}
	for _, tt := range titles.All {
		_, err := decidingLevels([]TitleLevel{{tt, adminunit.LevelCOMMUNE}, {tt, adminunit.LevelDISTRICT}})
		add("deciding level of "+string(tt)+" twice", err, titles.TitleName(tt))
	}
	for _, k := range slices.Sorted(maps.Keys(titles.KindNames)) {
		for _, l := range slices.Sorted(maps.Keys(titles.LevelNames)) {
			want, ok := titles.For(k, l)
			if !ok {
				add("no title for "+string(k)+" at "+string(l), aimsAt(k, l, titles.Family), titles.KindName(k), titles.LevelName(l))
				continue
			}
			for _, tt := range titles.All {
				if tt != want {
					add(string(k)+" at "+string(l)+" aiming at "+string(tt), aimsAt(k, l, tt),
						titles.KindName(k), titles.TitleName(tt), titles.TitleName(want))
				}
			}
		}
	}
	if len(cases) < 100 {
		t.Fatalf("only %d messages rendered", len(cases))
	}
	for _, c := range cases {
		e, ok := apperr.As(c.err)
		if !ok {
			t.Errorf("%s: %v, want an error with a message", c.what, c.err)
			continue
		}
		for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
			msg := e.Message(lang)
			if raw := rawEnum.FindString(msg); raw != "" {
				t.Errorf("%s, %s: %q shows %s", c.what, lang, msg, raw)
			}
			for _, n := range c.names {
				if !strings.Contains(msg, n.Format(lang)) {
					t.Errorf("%s, %s: %q does not name %q", c.what, lang, msg, n.Format(lang))
				}
			}
		}
	}
}
