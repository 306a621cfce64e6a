package admin

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hoctap/ent/campaign"
	"hoctap/ent/importjob"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
	"hoctap/internal/viewer"
)

// TestCatalog: every key the templates and handlers name is in the
// catalogue with both languages, and so is every key built at run time.
func TestCatalog(t *testing.T) {
	keyRE := regexp.MustCompile(`(?:\.T|msg\(ctx,|msg\(r\.Context\(\),|fieldError\(ctx, [^,]+,|translate\(lang,|translate\(p\.Lang,|Key: *|Keys?, [a-zA-Z.]+ = ) *"([a-zA-Z]+\.[a-zA-Z.]+)"|"(?:Label|Hint)" "([a-zA-Z.]+)"|"((?:flash|error|user|campaign|confirm)\.[a-zA-Z]+)"`)
	var files []string
	for _, pattern := range []string{"*.go", "templates/*.html"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "catalog.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" && !strings.HasSuffix(k, ".") && !strings.HasSuffix(k, ".html") && !strings.HasSuffix(k, ".css") && !strings.HasSuffix(k, ".js") {
					used[k] = true
				}
			}
		}
	}
	for _, r := range viewer.Roles {
		used["role."+string(r)] = true
	}
	for _, p := range cycle.Phases {
		used["phase."+string(p)] = true
		if p != campaign.PhasePLANNING {
			used["campaign.advanceBody."+string(p)] = true
		}
		if p != campaign.PhaseCLOSED {
			used["campaign.revertBody."+string(p)] = true
		}
	}
	for _, st := range []string{"READY", "BLOCKED", "UNCHANGED", "NOT_IN_DATABASE", "NOT_IN_CATALOGUE"} {
		used["reorg.status."+st] = true
	}
	for _, k := range spec.Kinds {
		used["reorg.kind."+string(k)] = true
	}
	for _, name := range []string{"catalogue", "merger"} {
		used["reorg."+name] = true
		used["reorg."+name+"Hint"] = true
	}
	for _, a := range []string{"admin_unit.move", "admin_unit.merge", "admin_unit.close", "reorganisation.plan", "reorganisation.apply", "import.apply"} {
		used["action."+a] = true
	}
	for _, st := range []importjob.Status{importjob.StatusCHECKING, importjob.StatusCHECKED, importjob.StatusAPPLYING, importjob.StatusAPPLIED, importjob.StatusFAILED} {
		used["imports.status."+string(st)] = true
	}
	for _, title := range errorTitles {
		used[title] = true
	}
	for _, s := range []string{"own", "province", "national"} {
		used["targets.source."+s] = true
	}
	for _, f := range []string{"code", "group", "text", "maxPoints"} {
		used["criteria."+f] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the pattern is broken", len(used))
	}
	for k := range used {
		m, ok := catalog[k]
		if !ok {
			t.Errorf("catalogue lacks %q", k)
			continue
		}
		if m.VI == "" || m.EN == "" {
			t.Errorf("%q lacks a language", k)
		}
	}
	// Templates parse, and every page has a template.
	if _, err := parsePages(); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(staticFS, "static/console.css"); err != nil {
		t.Fatal(err)
	}
}

func TestFormat(t *testing.T) {
	day := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC) // 03:00 on the 27th in Vietnam
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"int vi", formatInt(i18n.VI, 1234567), "1.234.567"},
		{"int en", formatInt(i18n.EN, 1234567), "1,234,567"},
		{"int small", formatInt(i18n.VI, 999), "999"},
		{"int negative", formatInt(i18n.VI, -1234), "-1.234"},
		{"pct vi", formatPct(i18n.VI, 0.725), "72,5%"},
		{"pct en", formatPct(i18n.EN, 0.725), "72.5%"},
		{"pct whole", formatPct(i18n.VI, 0.7), "70%"},
		{"pct rounding", formatPct(i18n.VI, 5.0/6), "83,3%"},
		{"dec", formatDec(i18n.VI, 12.5), "12,5"},
		{"dec whole", formatDec(i18n.VI, 1000), "1.000"},
		{"pct input", pctInput(i18n.VI, 0.725), "72,5"},
		{"date vi", formatDate(i18n.VI, day), "27/11/2026"},
		{"date en", formatDate(i18n.EN, day), "27 Nov 2026"},
		{"time vi", formatTime(i18n.VI, day), "03:00, 27/11/2026"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"72,5", 72.5, true}, {"72.5", 72.5, true}, {" 75 % ", 75, true}, {"0", 0, true},
		{"1.000,5", 0, false}, {"abc", 0, false}, {"", 0, false}, {"7,2,5", 0, false},
	} {
		got, ok := parseNumber(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/users?q=an":      "/admin/users?q=an",
		"":                       "/admin/",
		"/query":                 "/admin/",
		"https://evil.example/":  "/admin/",
		"//evil.example/admin/":  "/admin/",
		"/admin//evil":           "/admin/",
		"/admin/\\evil":          "/admin/",
		"javascript:alert(1)":    "/admin/",
		"/admin/campaigns/1#top": "/admin/campaigns/1",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
