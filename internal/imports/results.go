package imports

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/decision"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/internal/changes"
	"hoctap/internal/cycle"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/search"
	"hoctap/internal/sheet"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
	"hoctap/internal/units"
)

// Results carries a campaign's results, one row per learning unit and
// year: whether the unit registered, its evaluation's result, and whether
// it was recognised, by which decision (number, date, signer). It lets a
// province load the recognised lists of past years. A unit is named by its
// code, with its village or commune when the code is not enough; the year
// names the campaign of the unit's province.
//
// Only a closed campaign takes results: in a campaign still running,
// registering, evaluating (a result computed from the criteria, never
// typed) and recognising are the cycle's (internal/cycle), in its phases.
// A recognition is recorded by whoever's scope holds the unit at the level
// that decides the title (cycle.DecidingLevel): a province's manager for
// all of it, a commune's officer for the titles their commune decides.
// Rows recognised under one number by one deciding unit make one decision.
// A registration already in the database moves on (registered, evaluated,
// recognised) but never back, nor from one decision to another.
var Results = register(&Kind{
	ID:     "results",
	Name:   i18n.Message{VI: "Kết quả", EN: "Results"},
	Sheets: []string{"Kết quả", "Kết quả công nhận", "Danh sách công nhận", "Kết quả đánh giá", "Công nhận"},
	Columns: append([]sheet.Column{
		{Key: colCode, Labels: []string{"Mã đơn vị", "Mã", "Mã hộ", "Mã dòng họ", "Mã công dân", "Mã cơ quan"}, Required: true},
		{Key: colProvince, Labels: labelsProvince},
		{Key: colDistrict, Labels: labelsDistrict},
		{Key: colCommune, Labels: labelsCommune},
		{Key: colVillage, Labels: labelsVillage},
		{Key: colYear, Labels: []string{"Năm", "Năm công nhận", "Năm đánh giá", "Năm thi đua", "Chiến dịch"}, Required: true},
		{Key: colRegistered, Labels: []string{"Đăng ký", "Đã đăng ký", "Có đăng ký"}},
		{Key: colResult, Labels: []string{"Kết quả đánh giá", "Kết quả", "Đánh giá"}},
		{Key: colRecognized, Labels: []string{"Công nhận", "Được công nhận", "Đạt danh hiệu"}},
		{Key: colDecision, Labels: []string{"Số quyết định", "Số QĐ", "Quyết định số", "Quyết định"}},
		{Key: colDate, Labels: []string{"Ngày quyết định", "Ngày QĐ", "Ngày ký", "Ngày công nhận"}},
		{Key: colSigner, Labels: []string{"Người ký", "Người ký quyết định"}},
	}, ignored(
		// The unit's name helps who reads the list; the code names it.
		sheet.Column{Key: colName, Labels: []string{"Tên đơn vị", "Họ tên chủ hộ", "Chủ hộ", "Tên", "Họ tên", "Danh hiệu"}},
	)...),
	Help: Help{
		Rows: i18n.Message{
			VI: "Mỗi dòng một đơn vị trong một năm: có đăng ký không, kết quả đánh giá, có được công nhận không và theo quyết định nào (số, ngày, người ký). Chỉ nhập cho chiến dịch đã kết thúc; đơn vị ghi bằng mã, thêm xã hoặc thôn khi mã chưa đủ. Các dòng cùng số quyết định của một cấp làm thành một quyết định. Nhập lại chỉ đưa đăng ký tiến lên (đăng ký, đánh giá, công nhận), không lùi lại.",
			EN: "One row per unit and year: whether it registered, its evaluation's result, whether it was recognised and by which decision (number, date, signer). Only for closed campaigns; a unit is named by its code, with its commune or village when the code is not enough. Rows with one decision number at one level make one decision. Importing again only moves registrations on (registered, evaluated, recognised), never back."},
		Columns: map[string]ColumnHelp{
			colCode: {Type: TypeCode, Desc: i18n.Message{
				VI: "Mã của đơn vị (hộ, dòng họ, cơ quan, công dân) như đã lưu.", EN: "The unit's code (household, clan, organisation, citizen) as stored."}},
			colYear: {Type: TypeYear, Desc: i18n.Message{
				VI: "Năm của chiến dịch, đã kết thúc.", EN: "The year of the campaign, which is closed."}},
			colRegistered: {Type: TypeYesNo, Desc: i18n.Message{
				VI: "Đơn vị có đăng ký danh hiệu năm đó không.", EN: "Whether the unit registered for its title that year."}},
			colResult: {Type: TypeChoice, Values: []string{"Đạt", "Không đạt"}, Desc: i18n.Message{
				VI: "Kết quả đánh giá; để trống khi chưa đánh giá.", EN: "The evaluation's result; empty when not evaluated."}},
			colRecognized: {Type: TypeYesNo, Desc: i18n.Message{
				VI: "Đơn vị có được công nhận không; được công nhận thì cần số, ngày quyết định và người ký.",
				EN: "Whether the unit was recognised; if so the decision's number, date and signer are needed."}},
			colDecision: {Desc: i18n.Message{VI: "Số quyết định công nhận, ví dụ 12/QĐ-UBND.", EN: "The recognition decision's number, e.g. 12/QĐ-UBND."}},
			colDate:     {Type: TypeDate, Desc: i18n.Message{VI: "Ngày ký quyết định.", EN: "The day the decision was signed."}},
			colSigner:   {Desc: i18n.Message{VI: "Họ tên người ký quyết định.", EN: "The name of the decision's signer."}},
			colName:     {NotRead: true},
		},
	},
	order: 50,
	start: func() processor {
		return &resultRun{campaigns: map[campaignKey]*ent.Campaign{}, decisions: map[decisionKey]*pendingDecision{}, rows: map[regKey]int{}}
	},
})

// The columns of results. The row's number (STT) is colNumber's key, so
// the decision's is colDecision.
const (
	colYear       = "year"
	colRegistered = "registered"
	colResult     = "result"
	colRecognized = "recognized"
	colDecision   = "decision"
	colDate       = "date"
	colSigner     = "signer"
)

// The longest decision number and signer a decision keeps (the schema's).
const (
	maxDecisionNumber = 64
	maxSigner         = 200
)

var (
	msgNoUnitCode   = i18n.Message{VI: "Không có đơn vị mã %s trong phạm vi bạn quản lý.", EN: "There is no unit with code %s in your scope."}
	msgManyUnits    = i18n.Message{VI: "Có %d đơn vị mang mã %s; ghi thêm xã hoặc thôn để chỉ rõ.", EN: "%d units have code %s; name their commune or village too."}
	msgNoCampaign   = i18n.Message{VI: "Tỉnh chưa có chiến dịch năm %d.", EN: "The province has no campaign in %d."}
	msgOpenCampaign = i18n.Message{
		VI: "Chiến dịch năm %d chưa kết thúc: đăng ký, đánh giá và công nhận trên hệ thống, theo từng giai đoạn.",
		EN: "The %d campaign is not closed: register, evaluate and recognise in the app, phase by phase."}
	msgNoTitleFor = i18n.Message{VI: "Không có danh hiệu nào dành cho %s này.", EN: "No title is open to this %s."}
	msgLeveled    = i18n.Message{
		VI: "Danh hiệu %s được công nhận theo mức độ; chưa nhập được từ danh sách.",
		EN: "The %s title is recognised at a level; it cannot be imported from a list yet."}
	msgResult       = i18n.Message{VI: "Không rõ kết quả; ghi «Đạt» hoặc «Không đạt».", EN: "Unknown result; write «Đạt» (passed) or «Không đạt» (failed)."}
	msgFailedRecog  = i18n.Message{VI: "Kết quả không đạt thì không được công nhận.", EN: "A failed evaluation cannot be recognised."}
	msgNotRecog     = i18n.Message{VI: "Có quyết định mà không được công nhận.", EN: "A decision is given, but the unit is not recognised."}
	msgDecidedAbove = i18n.Message{
		VI: "Danh hiệu %s do cấp %s công nhận; quyết định ở ngoài phạm vi của bạn.",
		EN: "The %s title is recognised at %s level, outside your scope."}
	msgRepeatResult = i18n.Message{VI: "Lặp lại kết quả của dòng %d (cùng đơn vị, cùng năm).", EN: "Repeats the result of row %d (same unit, same year)."}
	msgBackwards    = i18n.Message{
		VI: "Đăng ký của đơn vị năm này %s; không thể ghi lại thành %s.",
		EN: "The unit's registration this year is %s; it cannot be made %s."}
	msgOtherDecision = i18n.Message{
		VI: "Đơn vị đã được công nhận theo một quyết định khác.", EN: "The unit is already recognised by another decision."}
	msgDecisionDiffers = i18n.Message{
		VI: "Quyết định số %s đã có, với %s khác (%s).", EN: "Decision %s already exists, with another %s (%s)."}
	msgNotRegistered = i18n.Message{
		VI: "Đơn vị có đăng ký năm này; nhập danh sách không xóa được đăng ký.",
		EN: "The unit is registered this year; an import does not delete registrations."}
)

// What a decision's fields are called in msgDecisionDiffers.
var (
	wordDate   = i18n.Message{VI: "ngày", EN: "date"}
	wordSigner = i18n.Message{VI: "người ký", EN: "signer"}
	wordTitle  = i18n.Message{VI: "danh hiệu", EN: "title"}
)

// statusRank orders the states a row may leave a registration in: a row
// moves a registration up, never down.
var statusRank = map[registration.Status]int{
	registration.StatusREGISTERED: 1, registration.StatusEVALUATED: 2, registration.StatusRECOGNIZED: 3,
}

// resultRow is a row of results.
type resultRow struct {
	line
	code  string
	where placeQuery
	year  int
	// What the row says; nil when it says nothing.
	registered, passed, recognized *bool
	number, signer                 string
	date                           time.Time

	// Worked out.
	unit   *ent.LearningUnit
	place  *place
	camp   *ent.Campaign
	title  titles.Title
	status registration.Status // "" for no registration
	stored *ent.Registration
	dec    *pendingDecision
	// keep says the row tells less than the database knows of the
	// registration (registered, of one recognised since): it stays.
	keep bool
}

// regKey is a registration: a unit in a campaign for a title.
type regKey struct{ unit, campaign int }

type campaignKey struct{ province, year int }

// decisionKey is a decision: numbers are unique by campaign and deciding
// unit.
type decisionKey struct {
	campaign, unit int
	number         string
}

// pendingDecision is a decision rows name: stored (id > 0) or to create.
type pendingDecision struct {
	id     int
	key    decisionKey
	title  titles.Title
	date   time.Time
	signer string
}

func (r *resultRow) action() action {
	switch {
	case r.refused():
		return actRefuse
	case r.keep || r.stored == nil && r.status == "":
		return actUnchanged
	case r.stored == nil:
		return actCreate
	case r.stored.Status == r.status && eqPtr(r.stored.Result, r.result()) && r.decisionOf() == decisionOfStored(r.stored):
		return actUnchanged
	}
	return actUpdate
}

// result is the result the row leaves the registration with: a
// recognised unit passed.
func (r *resultRow) result() *registration.Result {
	res := registration.ResultPASSED
	switch {
	case r.status == registration.StatusRECOGNIZED:
	case r.status == registration.StatusEVALUATED && !*r.passed:
		res = registration.ResultFAILED
	case r.status != registration.StatusEVALUATED:
		return nil
	}
	return &res
}

func (r *resultRow) decisionOf() int {
	if r.dec == nil {
		return 0
	}
	return r.dec.id
}

func decisionOfStored(s *ent.Registration) int {
	if s.DecisionID == nil {
		return 0
	}
	return *s.DecisionID
}

// resultRun is the results' processor in one run: the campaigns looked up,
// the decisions named, and the registrations the rows took.
type resultRun struct {
	campaigns map[campaignKey]*ent.Campaign // nil: none
	decisions map[decisionKey]*pendingDecision
	rows      map[regKey]int
	tempID    int
}

// resultWords are what a list writes for a result, folded.
var resultWords = map[string]bool{
	"dat": true, "passed": true, "pass": true, "x": true, "co": true,
	"khong dat": false, "chua dat": false, "failed": false, "fail": false, "khong": false,
}

func (p *resultRun) parse(rd *reader, row *sheet.Row) item {
	r := &resultRow{line: newLine(row)}
	l := &r.line
	r.code = rd.text(l, row, colCode, true, units.MaxCode)
	r.where = placeQuery{
		province: rd.text(l, row, colProvince, false, maxName),
		district: rd.text(l, row, colDistrict, false, maxName),
		commune:  rd.text(l, row, colCommune, false, maxName),
		village:  rd.text(l, row, colVillage, false, maxName),
	}
	for _, s := range placeSteps {
		if s.text(r.where) != "" {
			r.where.level = s.level
		}
	}
	if c := rd.cell(l, row, colYear); c.Empty() {
		r.errs = append(r.errs, *c.Problem(msgEmpty))
	} else if y, err := c.Year(); err != nil {
		r.errs = append(r.errs, problemOf(err, c))
	} else {
		r.year = y
	}
	r.registered = rd.tick(l, row, colRegistered)
	r.recognized = rd.tick(l, row, colRecognized)
	if rd.has[colResult] {
		if c := rd.cell(l, row, colResult); !c.Empty() {
			if passed, ok := resultWords[textnorm.Fold(c.Text)]; ok {
				r.passed = &passed
			} else {
				r.errs = append(r.errs, *c.Problem(msgResult))
			}
		}
	}
	r.number = rd.text(l, row, colDecision, false, maxDecisionNumber)
	r.signer = rd.text(l, row, colSigner, false, maxSigner)
	if rd.has[colDate] {
		if c := rd.cell(l, row, colDate); !c.Empty() {
			if d, err := c.Date(); err != nil {
				r.errs = append(r.errs, problemOf(err, c))
			} else if d.After(time.Now().Add(24 * time.Hour)) {
				r.errs = append(r.errs, *c.Problem(i18n.Message{VI: "Ngày quyết định không được ở tương lai.", EN: "The decision date cannot be in the future."}))
			} else {
				r.date = d
			}
		}
	}
	recognized := r.recognized != nil && *r.recognized
	switch {
	case recognized && r.passed != nil && !*r.passed:
		r.fail(colResult, msgFailedRecog)
	case recognized:
		// Recognised means evaluated as passed; the decision is needed.
		for _, need := range []struct {
			col   string
			empty bool
		}{{colDecision, r.number == ""}, {colDate, r.date.IsZero()}, {colSigner, utf8.RuneCountInString(strings.TrimSpace(r.signer)) == 0}} {
			if need.empty && !r.refused() {
				r.fail(need.col, msgEmpty)
			}
		}
	case r.number != "":
		r.fail(colRecognized, msgNotRecog)
	}
	r.warnLegacy()
	return r
}

// tick reads a yes/no column: nil when the sheet lacks it.
func (rd *reader) tick(l *line, row *sheet.Row, key string) *bool {
	if !rd.has[key] {
		return nil
	}
	c := rd.cell(l, row, key)
	b, err := c.Bool()
	if err != nil {
		l.errs = append(l.errs, problemOf(err, c))
		return nil
	}
	return &b
}

// target is the state the row leaves the unit's registration in: ""
// when it says the unit did not register.
func (r *resultRow) target() registration.Status {
	switch {
	case r.recognized != nil && *r.recognized:
		return registration.StatusRECOGNIZED
	case r.passed != nil:
		return registration.StatusEVALUATED
	case r.registered != nil && *r.registered:
		return registration.StatusREGISTERED
	}
	return ""
}

// resolve finds each row's unit, campaign, registration and decision,
// one query a chunk for each, and applies the rules of the cycle.
func (p *resultRun) resolve(e *engine, rd *reader, chunk []item) error {
	rows := items[*resultRow](chunk)
	if err := p.units(e, rows); err != nil {
		return err
	}
	if err := p.loadCampaigns(e, rows); err != nil {
		return err
	}
	for _, r := range rows {
		if !r.refused() {
			p.rules(e, r)
		}
	}
	if err := p.registrations(e, rows); err != nil {
		return err
	}
	return p.loadDecisions(e, rows)
}

// units finds each row's learning unit by its code, in the place the row
// names or else anywhere in the importer's scope.
func (p *resultRun) units(e *engine, rows []*resultRow) error {
	var unknown []placeQuery
	codes := map[string]bool{}
	for _, r := range rows {
		if r.refused() {
			continue
		}
		codes[r.code] = true
		if r.where.level != "" {
			if a := e.places.resolve(r.where); a.place == nil && a.code != "" {
				unknown = append(unknown, r.where)
			}
		}
	}
	if err := e.places.outsideScope(e.sys, e.c, unknown); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	found, err := e.c.LearningUnit.Query().
		Where(learningunit.CodeIn(keys(codes)...), learningunit.ArchivedAtIsNil(), func(s *entsql.Selector) {
			s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), e.scopePath))
		}).
		Select(learningunit.FieldID, learningunit.FieldKind, learningunit.FieldSubtype, learningunit.FieldCode,
			learningunit.FieldAdminUnitID, learningunit.FieldAdminPath).
		All(e.sys)
	if err != nil {
		return wrap("units of the results", err)
	}
	byCode := map[string][]*ent.LearningUnit{}
	for _, u := range found {
		byCode[u.Code] = append(byCode[u.Code], u)
	}
	for _, r := range rows {
		if r.refused() {
			continue
		}
		within := ""
		if r.where.level != "" {
			a := e.places.resolve(r.where)
			if a.place == nil {
				r.fail(a.column, a.msg, a.args...)
				continue
			}
			within = a.place.path
		}
		var cands []*ent.LearningUnit
		for _, u := range byCode[r.code] {
			if strings.HasPrefix(u.AdminPath, within) && e.places.byID[u.AdminUnitID] != nil {
				cands = append(cands, u)
			}
		}
		switch len(cands) {
		case 0:
			r.fail(colCode, msgNoUnitCode, r.code)
		case 1:
			r.unit, r.place = cands[0], e.places.byID[cands[0].AdminUnitID]
		default:
			r.fail(colCode, msgManyUnits, len(cands), r.code)
		}
	}
	return nil
}

// province is the id of the province of a unit's path: the unit below the
// country.
func province(path string) int {
	if ids := progress.PathIDs(path); len(ids) > 1 {
		return ids[1]
	}
	return 0
}

// loadCampaigns looks up, in one query, the campaigns the chunk's rows
// name that the run has not looked up yet.
func (p *resultRun) loadCampaigns(e *engine, rows []*resultRow) error {
	want := map[campaignKey]bool{}
	for _, r := range rows {
		if r.unit == nil || r.refused() {
			continue
		}
		k := campaignKey{province(r.unit.AdminPath), r.year}
		if _, seen := p.campaigns[k]; !seen {
			want[k] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	var provinces, years []int
	for k := range want {
		provinces, years = append(provinces, k.province), append(years, k.year)
		p.campaigns[k] = nil
	}
	camps, err := e.c.Campaign.Query().Where(campaign.ProvinceIDIn(provinces...), campaign.YearIn(years...)).All(e.sys)
	if err != nil {
		return wrap("campaigns of the results", err)
	}
	for _, c := range camps {
		p.campaigns[campaignKey{c.ProvinceID, c.Year}] = c
	}
	return nil
}

// rules applies what the cycle allows to a row with its unit: a closed
// campaign, a title the unit may aim at, and a recognition the importer's
// scope decides.
func (p *resultRun) rules(e *engine, r *resultRow) {
	r.camp = p.campaigns[campaignKey{province(r.unit.AdminPath), r.year}]
	switch {
	case r.camp == nil:
		r.fail(colYear, msgNoCampaign, r.year)
		return
	case r.camp.Phase != campaign.PhaseCLOSED:
		r.fail(colYear, msgOpenCampaign, r.year)
		return
	}
	t, ok := titles.For(r.unit.Kind, r.place.level)
	switch {
	case !ok:
		r.fail(colCode, msgNoTitleFor, titles.KindName(r.unit.Kind))
		return
	case titles.Leveled(t):
		r.fail(colCode, msgLeveled, titles.TitleName(t))
		return
	}
	r.title, r.status = t, r.target()
	if r.status != registration.StatusRECOGNIZED {
		return
	}
	level := cycle.DecidingLevel(r.camp, t)
	var decider *place
	for q := r.place; q != nil; q = q.parent {
		if q.level == level {
			decider = q
		}
	}
	if decider == nil {
		r.fail(colRecognized, msgDecidedAbove, titles.TitleName(t), titles.LevelName(level))
		return
	}
	k := decisionKey{r.camp.ID, decider.id, r.number}
	d := p.decisions[k]
	if d == nil {
		// Looked up with the chunk's others (loadDecisions); until then
		// the row's own.
		d = &pendingDecision{key: k, title: t, date: r.date, signer: r.signer}
		p.decisions[k] = d
	}
	r.dec = d
}

// registrations finds the registrations the rows are about, in one query,
// and decides what each row does to its own.
func (p *resultRun) registrations(e *engine, rows []*resultRow) error {
	var unitIDs, campIDs []int
	for _, r := range rows {
		if !r.refused() {
			unitIDs, campIDs = append(unitIDs, r.unit.ID), append(campIDs, r.camp.ID)
		}
	}
	if len(unitIDs) == 0 {
		return nil
	}
	regs, err := e.c.Registration.Query().
		Where(registration.LearningUnitIDIn(unitIDs...), registration.CampaignIDIn(campIDs...)).All(e.sys)
	if err != nil {
		return wrap("registrations of the results", err)
	}
	stored := map[regKey]*ent.Registration{}
	for _, g := range regs {
		stored[regKey{g.LearningUnitID, g.CampaignID}] = g
	}
	for _, r := range rows {
		if r.refused() {
			continue
		}
		k := regKey{r.unit.ID, r.camp.ID}
		if first, ok := p.rows[k]; ok {
			r.fail(colCode, msgRepeatResult, first)
			continue
		}
		p.rows[k] = r.row
		r.stored = stored[k]
		if r.stored == nil || r.stored.Title != r.title {
			r.stored = nil
			continue
		}
		s := r.stored
		says := func(b *bool, v bool) bool { return b != nil && *b == v }
		switch {
		case statusRank[s.Status] == 0:
			// Rejected or withdrawn: out of the cycle for good.
			r.fail(colRegistered, msgBackwards, titles.StatusName(s.Status), titles.StatusName(r.status))
		case r.status == "" && says(r.registered, false):
			r.fail(colRegistered, msgNotRegistered)
		case s.Status == registration.StatusRECOGNIZED && says(r.recognized, false):
			r.fail(colRecognized, msgBackwards, titles.StatusName(s.Status), titles.StatusName(r.status))
		case statusRank[r.status] < statusRank[s.Status] && r.passed != nil && !eqPtr(r.result(), s.Result):
			r.fail(colResult, msgBackwards, titles.StatusName(s.Status), titles.StatusName(r.status))
		case statusRank[r.status] < statusRank[s.Status]:
			r.keep = true
		}
	}
	return nil
}

// loadDecisions looks up, in one query, the decisions the chunk's rows
// name for the first time; a stored one must say what the row says. A
// recognised registration's decision is checked against the row's once
// the decision is known.
func (p *resultRun) loadDecisions(e *engine, rows []*resultRow) error {
	var numbers []string
	var camps []int
	for _, r := range rows {
		if r.dec != nil && r.dec.id == 0 && !r.refused() {
			numbers, camps = append(numbers, r.dec.key.number), append(camps, r.dec.key.campaign)
		}
	}
	if len(numbers) > 0 {
		ds, err := e.c.Decision.Query().Where(decision.NumberIn(numbers...), decision.CampaignIDIn(camps...)).All(e.sys)
		if err != nil {
			return wrap("decisions of the results", err)
		}
		for _, d := range ds {
			if pd := p.decisions[decisionKey{d.CampaignID, d.DecidingUnitID, d.Number}]; pd != nil && pd.id <= 0 {
				pd.id, pd.title, pd.date, pd.signer = d.ID, d.Title, d.Date, d.Signer
			}
		}
	}
	for _, r := range rows {
		if r.refused() || r.dec == nil {
			continue
		}
		d := r.dec
		if d.id == 0 && e.w == nil {
			// A decision a dry run would create.
			p.tempID--
			d.id = p.tempID
		}
		switch {
		case d.title != r.title:
			r.fail(colDecision, msgDecisionDiffers, r.number, wordTitle, titles.TitleName(d.title))
		case !sameDay(d.date, r.date):
			r.fail(colDate, msgDecisionDiffers, r.number, wordDate, day(d.date))
		case textnorm.Fold(d.signer) != textnorm.Fold(r.signer):
			r.fail(colSigner, msgDecisionDiffers, r.number, wordSigner, d.signer)
		case r.stored != nil && r.stored.DecisionID != nil && *r.stored.DecisionID != d.id:
			r.fail(colDecision, msgOtherDecision)
		}
	}
	return nil
}

// sameDay compares two dates as days in Vietnam (sheet dates are its
// midnights; PostgreSQL gives them back in the session's zone).
func sameDay(a, b time.Time) bool { return day(a) == day(b) }

func day(t time.Time) string { return t.In(i18n.Vietnam).Format("02/01/2006") }

// write creates the decisions and registrations of the chunk and moves on
// the registrations it changes, then adds what changed to the campaigns'
// counters (a closed campaign's eligible counts stay as they were frozen).
func (p *resultRun) write(e *engine, chunk []item) error {
	sys := systemCtx(e.ctx)
	var writing []*resultRow
	var newDecisions []*pendingDecision
	for _, r := range items[*resultRow](chunk) {
		if a := r.action(); a != actCreate && a != actUpdate {
			continue
		}
		writing = append(writing, r)
		if r.dec != nil && r.dec.id == 0 {
			r.dec.id = -1 // being created
			newDecisions = append(newDecisions, r.dec)
		}
	}
	if len(newDecisions) > 0 {
		builders := make([]*ent.DecisionCreate, len(newDecisions))
		for i, d := range newDecisions {
			builders[i] = e.c.Decision.Create().SetCampaignID(d.key.campaign).SetDecidingUnitID(d.key.unit).
				SetTitle(d.title).SetNumber(d.key.number).SetDate(d.date).SetSigner(d.signer)
		}
		// The changes feed's rows in one statement, not one a decision.
		bctx, logChanges := changes.Batch(sys)
		ds, err := e.c.Decision.CreateBulk(builders...).Save(bctx)
		if err == nil {
			err = logChanges(e.c)
		}
		if err != nil {
			return wrap("create decisions", err)
		}
		for i, d := range ds {
			newDecisions[i].id = d.ID
		}
	}
	type group struct {
		camp          *ent.Campaign
		path, subtype string
		title         titles.Title
	}
	deltas := map[group]*progress.Delta{}
	var creates []*ent.RegistrationCreate
	for _, r := range writing {
		var decID *int
		var on *time.Time
		if r.dec != nil {
			decID, on = &r.dec.id, &r.date
		}
		g := group{r.camp, r.unit.AdminPath, progress.Subtype(r.unit.Kind, r.unit.Subtype), r.title}
		if deltas[g] == nil {
			deltas[g] = &progress.Delta{}
		}
		tally(deltas[g], r.status, 1)
		if r.stored == nil {
			creates = append(creates, e.c.Registration.Create().
				SetCampaignID(r.camp.ID).SetLearningUnitID(r.unit.ID).SetTitle(r.title).SetSubtype(g.subtype).
				SetAdminUnitID(r.unit.AdminUnitID).SetAdminPath(r.unit.AdminPath).
				SetStatus(r.status).SetNillableResult(r.result()).SetNillableDecisionID(decID).SetNillableRecognizedOn(on))
			continue
		}
		tally(deltas[g], r.stored.Status, -1)
		err := e.c.Registration.UpdateOneID(r.stored.ID).Where(registration.Version(r.stored.Version)).
			SetStatus(r.status).SetNillableResult(r.result()).SetNillableDecisionID(decID).SetNillableRecognizedOn(on).
			Exec(sys)
		if err != nil {
			return wrap("update registration", err)
		}
	}
	if len(creates) > 0 {
		bctx, logChanges := changes.Batch(sys)
		err := e.c.Registration.CreateBulk(creates...).Exec(bctx)
		if err == nil {
			err = logChanges(e.c)
		}
		if err != nil {
			return wrap("create registrations", err)
		}
	}
	groups := make([]group, 0, len(deltas))
	for g := range deltas {
		groups = append(groups, g)
	}
	// In a fixed order, so two imports lock the counters alike.
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		return a.camp.ID < b.camp.ID || a.camp.ID == b.camp.ID && a.path+string(a.title)+a.subtype < b.path+string(b.title)+b.subtype
	})
	for _, g := range groups {
		if err := progress.Apply(sys, e.c, g.camp, g.path, g.title, g.subtype, *deltas[g]); err != nil {
			return err
		}
	}
	return nil
}

// tally counts a registration in state s, n times, into d.
func tally(d *progress.Delta, s registration.Status, n int) {
	switch s {
	case registration.StatusRECOGNIZED:
		d.Recognized += n
		fallthrough
	case registration.StatusEVALUATED:
		d.Evaluated += n
		fallthrough
	case registration.StatusREGISTERED:
		d.Registered += n
	}
}
