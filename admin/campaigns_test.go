package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hoctap/ent/auditlog"
	"hoctap/ent/campaign"
	"hoctap/ent/criteriaset"
	"hoctap/ent/target"
	"hoctap/internal/dbtest"
	"hoctap/internal/store"
	"hoctap/internal/titles"
)

// TestCampaignScope: a manager sees and runs only their province's
// campaigns.
func TestCampaignScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		camp := seedCampaign(t, db, s.fx, 2025)
		id := strconv.Itoa(camp.ID)
		for _, tc := range []struct {
			viewer string
			sees   bool
		}{{"admin", true}, {"manager", true}, {"manager2", false}} {
			t.Run(tc.viewer, func(t *testing.T) {
				b := s.browser(t)
				b.signIn(tc.viewer)
				list := b.get("/admin/campaigns").Body
				if got := strings.Contains(list, `href="/admin/campaigns/`+id+`"`); got != tc.sees {
					t.Errorf("campaign listed: %v, want %v", got, tc.sees)
				}
				for _, path := range []string{"", "/targets", "/criteria", "/progress", "/advance"} {
					p := b.get("/admin/campaigns/" + id + path)
					if want := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[tc.sees]; p.Status != want {
						t.Errorf("GET %s: %d, want %d", path, p.Status, want)
					}
				}
				if tc.sees {
					return
				}
				b.get("/admin/campaigns")
				if p := b.post("/admin/campaigns/"+id+"/revert", url.Values{"reason": {"x"}}); p.Status < 400 {
					t.Errorf("revert another province's campaign: %d", p.Status)
				}
				if p := b.post("/admin/campaigns", url.Values{"provinceID": {strconv.Itoa(s.fx.P1.ID)}, "year": {"2027"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="e-provinceID"`) {
					t.Errorf("open a campaign in another province: %d", p.Status)
				}
				if c, _ := db.Client.Campaign.Get(systemCtx(), camp.ID); c.Phase != campaign.PhaseRECOGNITION {
					t.Fatalf("phase changed to %s", c.Phase)
				}
			})
		}
	})
}

// TestCampaignLifecycle opens a campaign that copies last year's targets and
// criteria, edits the targets grid and a criteria set, advances and reverts
// the phase with reasons, all audited.
func TestCampaignLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		fx := s.fx
		past := seedCampaign(t, db, fx, 2025)
		b := s.browser(t)
		b.signIn("manager")
		b.get("/admin/")

		// Last year gets a province-wide target the new one must copy.
		b.get("/admin/campaigns/" + strconv.Itoa(past.ID) + "/targets")
		b.post("/admin/campaigns/"+strconv.Itoa(past.ID)+"/targets", url.Values{cell(fx.P1.ID, titles.Clan): {"55"}}).expect(t, http.StatusSeeOther, "past target")

		b.get("/admin/campaigns/new").expect(t, http.StatusOK, "new campaign")
		p := b.post("/admin/campaigns", url.Values{"provinceID": {strconv.Itoa(fx.P1.ID)}, "year": {"2025"}, "name": {"Trùng năm"}})
		p.expect(t, http.StatusUnprocessableEntity, "duplicate year")
		if !strings.Contains(p.Body, `id="e-year"`) || !strings.Contains(p.Body, `value="Trùng năm"`) {
			t.Fatalf("duplicate year:\n%s", text(p.Body))
		}
		p = b.post("/admin/campaigns", url.Values{"provinceID": {strconv.Itoa(fx.P1.ID)}, "year": {"hai nghìn"}, "name": {"Tên giữ lại"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="e-year"`) || !strings.Contains(p.Body, `value="Tên giữ lại"`) {
			t.Fatalf("year not a number: %d\n%s", p.Status, text(p.Body))
		}
		p = b.post("/admin/campaigns", url.Values{"provinceID": {strconv.Itoa(fx.P1.ID)}, "year": {"2026"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.Status, text(p.Body))
		}
		camp, err := db.Client.Campaign.Query().Where(campaign.Year(2026)).Only(systemCtx())
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.Itoa(camp.ID)
		copied, _ := db.Client.Target.Query().Where(target.CampaignID(camp.ID), target.TitleEQ(titles.Clan), target.AdminUnitID(fx.P1.ID)).Only(systemCtx())
		if copied == nil || copied.Rate != 0.55 {
			t.Fatalf("last year's target was not copied: %+v", copied)
		}

		// The grid shows the copy as the province's own target and as D1's
		// inherited one.
		grid := b.get("/admin/campaigns/"+id+"/targets").expect(t, http.StatusOK, "grid").Body
		if !strings.Contains(grid, `name="`+cell(fx.P1.ID, titles.Clan)+`" value="55"`) {
			t.Fatalf("the province's own target is not in its cell:\n%s", text(grid))
		}
		if !strings.Contains(grid, "55% · theo tỉnh") {
			t.Fatalf("no inherited target shown")
		}
		// A bad value and a value out of range name their cells, and keep
		// the other typed values; nothing is saved.
		p = b.post("/admin/campaigns/"+id+"/targets", url.Values{
			cell(fx.D1.ID, titles.Family): {"abc"}, cell(fx.D2.ID, titles.Family): {"72,5"},
		}).expect(t, http.StatusUnprocessableEntity, "bad target")
		if !strings.Contains(p.Body, `id="e-`+cell(fx.D1.ID, titles.Family)+`"`) || !strings.Contains(p.Body, `value="72,5"`) {
			t.Fatalf("bad target:\n%s", text(p.Body))
		}
		p = b.post("/admin/campaigns/"+id+"/targets", url.Values{
			cell(fx.D2.ID, titles.Family): {"72,5"}, cell(fx.D1.ID, titles.Clan): {"150"},
		}).expect(t, http.StatusUnprocessableEntity, "target out of range")
		if !strings.Contains(p.Body, `id="e-`+cell(fx.D1.ID, titles.Clan)+`"`) {
			t.Fatalf("out of range:\n%s", text(p.Body))
		}
		if n, _ := db.Client.Target.Query().Where(target.CampaignID(camp.ID)).Count(systemCtx()); n != 1 {
			t.Fatalf("a refused grid saved targets: %d", n)
		}
		// Set D2's, clear the province's.
		b.post("/admin/campaigns/"+id+"/targets", url.Values{
			cell(fx.D2.ID, titles.Family): {"72,5"}, cell(fx.P1.ID, titles.Clan): {""},
		}).expect(t, http.StatusSeeOther, "save targets")
		rows, _ := db.Client.Target.Query().Where(target.CampaignID(camp.ID)).All(systemCtx())
		if len(rows) != 1 || rows[0].AdminUnitID != fx.D2.ID || rows[0].Rate != 0.725 {
			t.Fatalf("targets after saving: %+v", rows)
		}

		// Criteria: a criterion with no points names its row; then a good
		// edit saves.
		path := "/admin/campaigns/" + id + "/criteria/" + string(titles.Family)
		form := b.get(path).expect(t, http.StatusOK, "criteria form").Body
		values := formValues(form)
		values.Set("c.1.maxPoints", "0")
		values.Set("c.4.code", "TC5")
		values.Set("c.4.text", "Tiêu chí bổ sung của tỉnh")
		values.Set("c.4.maxPoints", "5")
		p = b.post(path, values).expect(t, http.StatusUnprocessableEntity, "criteria error")
		if !strings.Contains(p.Body, `id="e-c.1.maxPoints"`) || !strings.Contains(p.Body, "Tiêu chí bổ sung của tỉnh") {
			t.Fatalf("criteria error:\n%s", text(p.Body))
		}
		values.Set("c.1.maxPoints", "25")
		values.Set("passPoints", "82,5")
		b.post(path, values).expect(t, http.StatusSeeOther, "save criteria")
		set, err := db.Client.CriteriaSet.Query().Where(criteriaset.CampaignID(camp.ID), criteriaset.TitleEQ(titles.Family)).Only(systemCtx())
		if err != nil || len(set.Criteria) != 5 || set.Rule.PassPoints != 82.5 || set.Criteria[1].MaxPoints != 25 {
			t.Fatalf("criteria saved: %+v %v", set, err)
		}

		// Advance with a reason; revert needs one. Each confirmation names
		// the phase it leaves, as the confirm page's form does.
		confirm := formValues(b.get("/admin/campaigns/"+id+"/advance").expect(t, http.StatusOK, "confirm advance").Body)
		confirm.Set("reason", "Kế hoạch đã duyệt")
		b.post("/admin/campaigns/"+id+"/advance", confirm).expect(t, http.StatusSeeOther, "advance")
		revert := formValues(b.get("/admin/campaigns/"+id+"/revert").expect(t, http.StatusOK, "confirm revert").Body)
		revert.Set("reason", "")
		p = b.post("/admin/campaigns/"+id+"/revert", revert).expect(t, http.StatusUnprocessableEntity, "revert without reason")
		if !strings.Contains(p.Body, `id="e-reason"`) {
			t.Fatalf("revert without a reason:\n%s", text(p.Body))
		}
		revert.Set("reason", "Sửa lại chỉ tiêu")
		b.post("/admin/campaigns/"+id+"/revert", revert).expect(t, http.StatusSeeOther, "revert")
		entries, _ := db.Client.AuditLog.Query().Where(auditlog.TargetID(camp.ID)).Order(auditlog.ByID()).All(systemCtx())
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		want := "campaign.create campaign.set_targets campaign.set_criteria campaign.advance campaign.revert"
		if strings.Join(actions, " ") != want {
			t.Fatalf("audit: %v, want %s", actions, want)
		}
		if entries[3].Details["reason"] != "Kế hoạch đã duyệt" {
			t.Fatalf("the reason is not audited: %v", entries[3].Details)
		}
		page := b.get("/admin/campaigns/" + id).Body
		if !strings.Contains(page, "Lùi giai đoạn") || !strings.Contains(page, "Sửa lại chỉ tiêu") {
			t.Fatal("the campaign page does not show its audit trail")
		}
	})
}

// TestPhaseConfirmedOnce: a confirmation names the phase it leaves, so the
// same form sent twice (a double click, a page resubmitted) or two people
// confirming the same step move the campaign one phase, not two; the second
// submission is told in Vietnamese that someone else moved it.
func TestPhaseConfirmedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		s := newServer(t, db)
		camp := seedCampaign(t, db, s.fx, 2025) // in RECOGNITION
		id := strconv.Itoa(camp.ID)
		for _, tc := range []struct {
			name, action string
			// second signs in the user whose browser sends the second
			// confirmation; "" sends the first browser's form again.
			second        string
			want          campaign.Phase
			wantMessage   string
			wantRetryFrom campaign.Phase
		}{
			{"advance sent twice", "advance", "", campaign.PhaseCLOSED,
				"Chiến dịch đã được chuyển sang giai đoạn kết thúc bởi người khác", campaign.PhaseCLOSED},
			{"revert by two managers", "revert", "admin", campaign.PhaseRECOGNITION,
				"Chiến dịch đã được chuyển sang giai đoạn công nhận bởi người khác", campaign.PhaseRECOGNITION},
		} {
			t.Run(tc.name, func(t *testing.T) {
				path := "/admin/campaigns/" + id + "/" + tc.action
				before, err := db.Client.AuditLog.Query().Where(auditlog.TargetID(camp.ID), auditlog.ActionHasPrefix("campaign.")).Count(systemCtx())
				if err != nil {
					t.Fatal(err)
				}
				first := s.browser(t)
				first.signIn("manager")
				form := formValues(first.get(path).expect(t, http.StatusOK, "confirm").Body)
				form.Set("reason", "Xác nhận")
				second, secondForm := first, form
				if tc.second != "" {
					second = s.browser(t)
					second.signIn(tc.second)
					secondForm = formValues(second.get(path).expect(t, http.StatusOK, "confirm").Body)
					secondForm.Set("reason", "Xác nhận lần hai")
				}
				first.post(path, form).expect(t, http.StatusSeeOther, "first confirmation")
				p := second.post(path, secondForm).expect(t, http.StatusConflict, "second confirmation")
				if !strings.Contains(p.Body, tc.wantMessage) {
					t.Errorf("second confirmation does not say why:\n%s", text(p.Body))
				}
				// Shown again, the page confirms the phase the campaign is in now.
				if got := formValues(p.Body).Get("from"); got != string(tc.wantRetryFrom) {
					t.Errorf("the page shown again confirms leaving %q, want %q", got, tc.wantRetryFrom)
				}
				c, err := db.Client.Campaign.Get(systemCtx(), camp.ID)
				if err != nil || c.Phase != tc.want {
					t.Fatalf("phase %v (%v), want %s", c.Phase, err, tc.want)
				}
				after, err := db.Client.AuditLog.Query().Where(auditlog.TargetID(camp.ID), auditlog.ActionHasPrefix("campaign.")).Count(systemCtx())
				if err != nil || after != before+1 {
					t.Fatalf("%d phase changes audited, want 1 (%v)", after-before, err)
				}
			})
		}
	})
}

// TestDashboard: a table and a chart per title with a bar per district, the
// district that misses its target highlighted, drill-down and export links.
func TestDashboard(t *testing.T) {
	db := dbtest.Open(t)
	s := newServer(t, db)
	camp := seedCampaign(t, db, s.fx, 2025)
	b := s.browser(t)
	b.signIn("manager")
	p := b.get("/admin/campaigns/"+strconv.Itoa(camp.ID)+"/progress").expect(t, http.StatusOK, "dashboard")
	for _, want := range []string{
		`<svg viewBox=`, `class="bar bar-ok"`, `class="bar bar-miss"`, `class="target"`,
		"83,3%", "62,5%", "70%", "1/2 đơn vị đạt chỉ tiêu",
		`href="/export/progress.csv?campaign=` + strconv.Itoa(camp.ID) + `&amp;unit=` + strconv.Itoa(s.fx.P1.ID) + `"`,
		`href="/export/progress.xlsx?`,
		`href="/admin/campaigns/` + strconv.Itoa(camp.ID) + `/progress?unit=` + strconv.Itoa(s.fx.D1.ID) + `"`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	if n := strings.Count(p.Body, `class="bar bar-`); n != 2*5 {
		t.Errorf("%d bars, want 2 districts × 5 titles", n)
	}
	if !regexp.MustCompile(`<tr class="miss">\s*<th scope="row"><a [^>]*>Huyện Tây</a>`).MatchString(p.Body) {
		t.Error("the district that misses is not highlighted")
	}
	// Drill down to D1: its communes.
	p = b.get("/admin/campaigns/"+strconv.Itoa(camp.ID)+"/progress?unit="+strconv.Itoa(s.fx.D1.ID)).expect(t, http.StatusOK, "drill down")
	if !strings.Contains(p.Body, "Xã An Bình") || !strings.Contains(p.Body, "Xã Hòa Lạc") {
		t.Fatalf("drill-down lacks the communes:\n%s", text(p.Body))
	}
	// A unit of another province is not part of the campaign.
	b.get("/admin/campaigns/"+strconv.Itoa(camp.ID)+"/progress?unit="+strconv.Itoa(s.fx.C4.ID)).expect(t, http.StatusNotFound, "unit of another province")
}

func cell(unitID int, t titles.Title) string { return "t." + strconv.Itoa(unitID) + "." + string(t) }

var (
	tagRE2   = regexp.MustCompile(`<input[^>]*>|<textarea[^>]*>[^<]*</textarea>`)
	nameRE   = regexp.MustCompile(`\bname="([^"]*)"`)
	valueRE  = regexp.MustCompile(`\bvalue="([^"]*)"`)
	areaText = regexp.MustCompile(`>([^<]*)</textarea>$`)
)

// formValues reads the inputs of a page's form as a browser would send
// them (checkboxes only when checked).
func formValues(page string) url.Values {
	v := url.Values{}
	for _, tag := range tagRE2.FindAllString(page, -1) {
		name := nameRE.FindStringSubmatch(tag)
		if name == nil || strings.Contains(tag, `type="checkbox"`) && !strings.Contains(tag, " checked") {
			continue
		}
		value := ""
		if m := areaText.FindStringSubmatch(tag); strings.HasPrefix(tag, "<textarea") && m != nil {
			value = m[1]
		} else if m := valueRE.FindStringSubmatch(tag); m != nil {
			value = m[1]
		}
		v.Set(name[1], htmlUnescape(value))
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}
