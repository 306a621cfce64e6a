package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/campaign"
	"hoctap/ent/evaluation"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/ent/user"
	"hoctap/internal/criteria"
	"hoctap/internal/cycle"
	"hoctap/internal/progress"
	"hoctap/internal/recordsummary"
	"hoctap/internal/search"
	"hoctap/internal/titles"
)

// demoCitizen is the record of the CITIZEN account "congdan", 0 when the
// demo has none (no citizens loaded).
func (l *loader) demoCitizen(ctx context.Context) (int, error) {
	if l.citizen != 0 {
		return max(l.citizen, 0), nil
	}
	u, err := l.c.User.Query().Where(user.Username("congdan")).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		l.citizen = -1
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("demo citizen: %w", err)
	case u.LearningUnitID == nil:
		l.citizen = -1
		return 0, nil
	}
	l.citizen = *u.LearningUnitID
	return l.citizen, nil
}

// record is one demo activity.
type record struct {
	kind            learningactivity.Kind
	title, provider string
	start, end      string // month-day in the campaign's year; end "" for one going on
	hours           float64
	certificate     string
	status          learningactivity.Status
	note            string
	source          learningactivity.Source
}

// records gives the demo citizen's village records at every stage, for
// each open campaign of the citizen's province that has none yet: the
// citizen's own, rich enough to pass the learning-citizen title citing its
// verified activities, with their registration REGISTERED and a SELF
// evaluation citing them, for an officer to evaluate; and neighbours with
// none, pending, verified and rejected activities. Dates are in the
// campaign's year; times are UTC midnights, as the API stores days.
func (l *loader) records(ctx context.Context) error {
	own, err := l.demoCitizen(ctx)
	if err != nil || own == 0 {
		return err
	}
	citizen, err := l.c.LearningUnit.Get(ctx, own)
	if err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	camps, err := l.c.Campaign.Query().Where(campaign.PhaseNEQ(campaign.PhaseCLOSED)).All(ctx)
	if err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	// The neighbours: the first citizens of the commune (a demo village
	// at a small scale has too few).
	village, err := l.c.AdminUnit.Get(ctx, citizen.AdminUnitID)
	if err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	commune := village.Path
	if village.ParentID != nil {
		parent, err := l.c.AdminUnit.Get(ctx, *village.ParentID)
		if err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
		commune = parent.Path
	}
	neighbours, err := l.c.LearningUnit.Query().
		Where(learningunit.KindEQ(learningunit.KindCITIZEN), learningunit.IDNEQ(own),
			func(s *sql.Selector) { s.Where(search.Prefix(s.C(learningunit.FieldAdminPath), commune)) }).
		Order(ent.Asc(learningunit.FieldID)).Limit(len(neighbourRecords)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	for _, camp := range camps {
		if !strings.HasPrefix(citizen.AdminPath, camp.ScopePath) {
			continue
		}
		done, err := l.c.Registration.Query().
			Where(registration.CampaignID(camp.ID), registration.LearningUnitID(own)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
		if done {
			continue
		}
		if err := l.recordsOf(ctx, camp, citizen, neighbours); err != nil {
			return fmt.Errorf("demo records of %d: %w", camp.Year, err)
		}
	}
	return nil
}

var (
	ownRecord = []record{
		{learningactivity.KindDIGITAL_SKILLS, "Kỹ năng số cơ bản: dịch vụ công trực tuyến", "Trung tâm học tập cộng đồng", "03-04", "04-25", 24, "Giấy chứng nhận số 112/TTHTCĐ", learningactivity.StatusVERIFIED, "Đã đối chiếu danh sách lớp.", learningactivity.SourceSELF},
		{learningactivity.KindCLUB, "Câu lạc bộ đọc sách của tổ dân phố", "Chi hội Khuyến học", "01-10", "", 30, "", learningactivity.StatusVERIFIED, "", learningactivity.SourceOFFICER},
		{learningactivity.KindCOURSE, "Tiếng Anh giao tiếp trực tuyến", "Nền tảng học trực tuyến", "06-01", "", 40, "", learningactivity.StatusPENDING, "", learningactivity.SourceSELF},
	}
	// neighbourRecords are the neighbours' stages, in order: none, pending,
	// verified with hours, rejected with a reason, and a mix.
	neighbourRecords = [][]record{
		nil,
		{{learningactivity.KindREADING, "Đọc sách tại tủ sách tổ dân phố", "", "02-01", "", 10, "", learningactivity.StatusPENDING, "", learningactivity.SourceSELF}},
		{{learningactivity.KindVOCATIONAL_TRAINING, "Kỹ thuật trồng rau an toàn", "Hội Nông dân xã", "03-15", "05-15", 60, "Chứng chỉ sơ cấp nghề số 45", learningactivity.StatusVERIFIED, "", learningactivity.SourceOFFICER}},
		{{learningactivity.KindCOURSE, "Khóa học tin học văn phòng", "", "04-01", "04-10", 20, "", learningactivity.StatusREJECTED, "Không có tên trong danh sách học viên của trung tâm.", learningactivity.SourceSELF}},
		{
			{learningactivity.KindCOMMUNITY_LEARNING, "Tuyên truyền pháp luật tại nhà văn hóa", "UBND xã", "05-20", "05-20", 3, "", learningactivity.StatusVERIFIED, "", learningactivity.SourceOFFICER},
			{learningactivity.KindDIGITAL_SKILLS, "Cài đặt và dùng VNeID", "Đoàn Thanh niên", "07-02", "07-02", 2, "", learningactivity.StatusPENDING, "", learningactivity.SourceSELF},
		},
	}
)

// recordsOf writes the records of one campaign's year, registers the demo
// citizen and self-assesses them citing their verified activities.
func (l *loader) recordsOf(ctx context.Context, camp *ent.Campaign, citizen *ent.LearningUnit, neighbours []int) error {
	ownIDs, err := l.writeRecord(ctx, camp.Year, citizen.ID, ownRecord)
	if err != nil {
		return err
	}
	for i, id := range neighbours {
		if i >= len(neighbourRecords) {
			break
		}
		if _, err := l.writeRecord(ctx, camp.Year, id, neighbourRecords[i]); err != nil {
			return err
		}
	}
	reg, err := l.c.Registration.Create().SetCampaignID(camp.ID).SetLearningUnitID(citizen.ID).
		SetTitle(titles.Citizen).SetAdminUnitID(citizen.AdminUnitID).SetAdminPath(citizen.AdminPath).Save(ctx)
	if err != nil {
		return err
	}
	if err := progress.Apply(ctx, l.c, camp, reg.AdminPath, titles.Citizen, "", progress.Delta{Registered: 1}); err != nil {
		return err
	}
	set, err := cycle.LatestSet(ctx, l.c, camp.ID, titles.Citizen)
	if err != nil {
		return err
	}
	scores := map[string]float64{}
	for _, c := range set.Criteria {
		scores[c.Code] = c.MaxPoints
	}
	res, err := criteria.Score(set.Criteria, set.Rule, scores)
	if err != nil {
		return err
	}
	facts, err := recordsummary.Facts(ctx, l.c, citizen.ID, camp.Year)
	if err != nil {
		return err
	}
	if gaps := criteria.RecordGaps(set.Criteria, scores, facts); len(gaps) > 0 {
		return fmt.Errorf("the demo citizen's record does not pass: %v", gaps[0])
	}
	var cited []int
	for i, r := range ownRecord {
		if r.status == learningactivity.StatusVERIFIED {
			cited = append(cited, ownIDs[i])
		}
	}
	return l.c.Evaluation.Create().SetRegistrationID(reg.ID).SetCriteriaSetID(set.ID).SetKind(evaluation.KindSELF).
		SetScores(scores).SetTotal(res.Total).SetResult(resultFor(res)).
		SetNotes("Tự đánh giá: đã học kỹ năng số và sinh hoạt câu lạc bộ đọc sách (minh chứng: các hoạt động trong hồ sơ học tập).").
		AddActivityIDs(cited...).Exec(ctx)
}

func resultFor(r criteria.Result) evaluation.Result {
	if r.Passed {
		return evaluation.ResultPASSED
	}
	return evaluation.ResultFAILED
}

// writeRecord writes activities of a citizen in year, returning their ids.
func (l *loader) writeRecord(ctx context.Context, year, citizen int, rs []record) ([]int, error) {
	ids := make([]int, 0, len(rs))
	on := func(md string) time.Time {
		d, _ := time.Parse(time.DateOnly, fmt.Sprintf("%d-%s", year, md))
		return d
	}
	for _, r := range rs {
		b := l.c.LearningActivity.Create().SetCitizenID(citizen).SetKind(r.kind).SetTitle(r.title).SetProvider(r.provider).
			SetStartedOn(on(r.start)).SetHours(r.hours).SetCertificate(r.certificate).SetSource(r.source).
			SetStatus(r.status).SetReviewNote(r.note)
		if r.end != "" {
			b.SetEndedOn(on(r.end))
		}
		if r.status != learningactivity.StatusPENDING {
			b.SetReviewedAt(on(r.start).AddDate(0, 2, 0))
		}
		a, err := b.Save(ctx)
		if err != nil {
			return nil, err
		}
		ids = append(ids, a.ID)
	}
	return slices.Clip(ids), nil
}
