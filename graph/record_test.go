package graph_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"hoctap/ent"
	"hoctap/ent/learningunit"
	"hoctap/internal/auth"
	"hoctap/internal/dbtest"
	"hoctap/internal/export"
	"hoctap/internal/fixture"
	"hoctap/internal/middleware"
	"hoctap/internal/record"
	"hoctap/internal/store"
	"hoctap/internal/viewer"
)

const (
	addActivityM = `mutation($in: CreateLearningActivityInput!) { addLearningActivity(input: $in) {
		learningActivity { id version source status title startedOn endedOn hours } } }`
	updateActivityM = `mutation($in: UpdateLearningActivityInput!) { updateLearningActivity(input: $in) {
		learningActivity { id version status reviewNote reviewedAt title startedOn endedOn } } }`
	removeActivityM = `mutation($id: ID!) { removeLearningActivity(input: {id: $id}) { learningActivity { id archivedAt } } }`
	reviewActivityM = `mutation($id: ID!, $s: LearningActivityStatus!, $n: String) { reviewLearningActivity(input: {id: $id, status: $s, note: $n}) {
		learningActivity { id version status reviewNote reviewedAt } } }`
	attachEvidenceM = `mutation($in: AttachEvidenceInput!) { attachEvidence(input: $in) {
		evidenceFile { id fileName contentType size sha256 url } learningActivity { id version status } } }`
	removeEvidenceM = `mutation($id: ID!) { removeEvidence(input: {id: $id}) { removedID learningActivity { id status } } }`
)

// activityAnswer is an activity as the mutations above answer it.
type activityAnswer struct {
	ID, Source, Status, Title string
	StartedOn, EndedOn        string
	Version                   int
	ReviewNote, ReviewedAt    *string
	ArchivedAt                *string
}

// recordWorld is the fixture with what the record's tests need: the
// citizen's record, their household member's (with an account of their
// own), and a neighbour's in the next village of the same commune.
type recordWorld struct {
	a                          *api
	fx                         *fixture.Fixture
	citizen, member, neighbour *ent.LearningUnit
	files                      http.Handler
}

func newRecordWorld(t *testing.T, db *store.DB) *recordWorld {
	t.Helper()
	fx := fixture.Build(t, db.Client, fixture.Options{Households: 1})
	a := newAPI(t, db, fx)
	ctx := systemCtx()
	w := &recordWorld{a: a, fx: fx}
	var err error
	if w.citizen, err = db.LearningUnit.Get(ctx, *fx.Users["citizen"].LearningUnitID); err != nil {
		t.Fatal(err)
	}
	if err := db.LearningUnit.UpdateOneID(w.citizen.ID).SetBirthYear(1985).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if w.member, err = db.LearningUnit.Query().Where(learningunit.ParentID(*w.citizen.ParentID), learningunit.IDNEQ(w.citizen.ID)).Only(ctx); err != nil {
		t.Fatal(err)
	}
	if w.neighbour, err = db.LearningUnit.Query().Where(learningunit.ParentID(fx.Households[fx.V1b.Code][0].ID)).First(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.User.Create().SetUsername("citizen2").SetFullName(w.member.Name).SetPasswordHash(hash).
		SetRole(viewer.RoleCitizen).SetScope(fx.V1a).SetLearningUnit(w.member).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fx.Users["citizen2"] = u
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	exports := export.New(db.Client, log)
	mux := http.NewServeMux()
	mux.Handle("GET "+record.EvidencePrefix+"{id}", exports.Evidence())
	mux.Handle("GET "+record.RecordPrefix+"{citizenID}", exports.Record())
	w.files = middleware.Chain(mux, middleware.RequestInfo(nil), middleware.Bearer(a.auth, log))
	return w
}

// add enters an activity as user, which must succeed.
func (w *recordWorld) add(t *testing.T, user string, citizen int, title string) activityAnswer {
	t.Helper()
	var got struct {
		AddLearningActivity struct{ LearningActivity activityAnswer }
	}
	w.a.must(t, user, addActivityM, m("in", activityInput(citizen, title)), &got)
	return got.AddLearningActivity.LearningActivity
}

func activityInput(citizen int, title string) map[string]any {
	return map[string]any{"citizenID": id(citizen), "kind": "DIGITAL_SKILLS", "title": title, "provider": "Trung tâm học tập cộng đồng",
		"startedOn": "2025-03-01T00:00:00+07:00", "endedOn": "2025-03-31T00:00:00+07:00", "hours": 24}
}

// get downloads a path as a fixture user ("" for nobody) or with a bearer
// token.
func (w *recordWorld) get(user, token, path string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if user != "" {
		req = req.WithContext(viewer.NewContext(req.Context(), w.fx.Viewer(user)))
	}
	rec := httptest.NewRecorder()
	w.files.ServeHTTP(rec, req)
	return rec
}

// pngFile is a small real PNG image.
func pngFile(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRecordOwnership: a citizen reads and writes their own record only,
// not their household member's nor a neighbour's, by any road (node, the
// activities edge, where-filters, mutations); staff write the records of
// their scope; only an officer there verifies.
func TestRecordOwnership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		a := w.a

		own := w.add(t, "citizen", w.citizen.ID, "Kỹ năng số cơ bản")
		if own.Source != "SELF" || own.Status != "PENDING" || own.Version != 1 {
			t.Fatalf("a citizen's own activity: %+v", own)
		}
		// Staff enter activities for the citizens of their place.
		forMember := w.add(t, "officer", w.member.ID, "Lớp tiếng Anh")
		byCollaborator := w.add(t, "collaborator", w.citizen.ID, "Câu lạc bộ đọc sách")
		if forMember.Source != "OFFICER" || byCollaborator.Source != "OFFICER" {
			t.Errorf("sources of staff entries: %s, %s", forMember.Source, byCollaborator.Source)
		}
		forNeighbour := w.add(t, "officer", w.neighbour.ID, "Tập huấn nông nghiệp")

		// Writes on someone else's record, or by a role that writes none.
		for _, c := range []struct {
			name, user, query string
			vars              map[string]any
		}{
			{"citizen adds to a household member's record", "citizen", addActivityM, m("in", activityInput(w.member.ID, "Giả mạo"))},
			{"citizen adds to a neighbour's record", "citizen", addActivityM, m("in", activityInput(w.neighbour.ID, "Giả mạo"))},
			{"citizen edits a household member's activity", "citizen", updateActivityM, m("in", m("id", forMember.ID, "title", "Đổi"))},
			{"citizen edits what staff entered in their record", "citizen", updateActivityM, m("in", m("id", byCollaborator.ID, "title", "Đổi"))},
			{"citizen removes a neighbour's activity", "citizen", removeActivityM, m("id", forNeighbour.ID)},
			{"citizen verifies their own", "citizen", reviewActivityM, m("id", own.ID, "s", "VERIFIED")},
			{"household member edits the citizen's", "citizen2", updateActivityM, m("in", m("id", own.ID, "title", "Đổi"))},
			{"officer of another commune adds", "officer2", addActivityM, m("in", activityInput(w.citizen.ID, "Ngoài địa bàn"))},
			{"officer of another commune verifies", "officer2", reviewActivityM, m("id", own.ID, "s", "VERIFIED")},
			{"officer of another province edits", "officer4", updateActivityM, m("in", m("id", forMember.ID, "title", "Đổi"))},
			{"staff edit what the citizen declared", "officer", updateActivityM, m("in", m("id", own.ID, "title", "Đổi"))},
			{"collaborator verifies", "collaborator", reviewActivityM, m("id", own.ID, "s", "VERIFIED")},
			{"viewer adds", "viewer", addActivityM, m("in", activityInput(w.citizen.ID, "Xem"))},
			{"manager adds", "manager", addActivityM, m("in", activityInput(w.citizen.ID, "Quản lý"))},
		} {
			t.Run(c.name, func(t *testing.T) { a.fails(t, c.user, "FORBIDDEN", "", c.query, c.vars) })
		}

		// Reads: the citizen's own activities, and nothing of the others,
		// whichever road they take.
		var got struct {
			Me struct {
				LearningUnit struct {
					Activities struct{ TotalCount int }
				}
			}
			Member    *struct{ ID string }
			Neighbour *struct{ ID string }
			Unit      struct {
				Activities struct{ TotalCount int }
			}
			Filtered struct{ TotalCount int }
		}
		q := `query($member: ID!, $neighbour: ID!, $unit: ID!) {
			me { learningUnit { activities { totalCount } } }
			member: node(id: $member) { id }
			neighbour: node(id: $neighbour) { id }
			unit: node(id: $unit) { ... on LearningUnit { activities { totalCount } } }
			filtered: learningUnits(where: {hasActivitiesWith: [{titleContains: "Lớp tiếng Anh"}]}) { totalCount } }`
		a.must(t, "citizen", q, m("member", forMember.ID, "neighbour", forNeighbour.ID, "unit", id(w.member.ID)), &got)
		if got.Me.LearningUnit.Activities.TotalCount != 2 || got.Member != nil || got.Neighbour != nil ||
			got.Unit.Activities.TotalCount != 0 || got.Filtered.TotalCount != 0 {
			t.Errorf("what the citizen reads: %+v", got)
		}
		// The officer reads the whole commune's, the filter included.
		a.must(t, "officer", q, m("member", forMember.ID, "neighbour", forNeighbour.ID, "unit", id(w.member.ID)), &got)
		if got.Member == nil || got.Neighbour == nil || got.Unit.Activities.TotalCount != 1 || got.Filtered.TotalCount != 1 {
			t.Errorf("what the officer reads: %+v", got)
		}
		var other struct{ Node *struct{ ID string } }
		a.must(t, "officer2", `query($id: ID!) { node(id: $id) { id } }`, m("id", own.ID), &other)
		if other.Node != nil {
			t.Error("an officer of another commune reads the citizen's activity")
		}

		// Verification, and a change that sends it back.
		var reviewed struct {
			ReviewLearningActivity struct{ LearningActivity activityAnswer }
		}
		a.fails(t, "officer", "BAD_USER_INPUT", "note", reviewActivityM, m("id", own.ID, "s", "REJECTED"))
		a.fails(t, "officer", "BAD_USER_INPUT", "status", reviewActivityM, m("id", own.ID, "s", "PENDING"))
		a.must(t, "officer", reviewActivityM, m("id", own.ID, "s", "REJECTED", "n", "Thiếu giấy chứng nhận"), &reviewed)
		r := reviewed.ReviewLearningActivity.LearningActivity
		if r.Status != "REJECTED" || r.ReviewNote == nil || *r.ReviewNote != "Thiếu giấy chứng nhận" || r.ReviewedAt == nil {
			t.Fatalf("rejected: %+v", r)
		}
		a.must(t, "officer", reviewActivityM, m("id", own.ID, "s", "VERIFIED"), &reviewed)
		r = reviewed.ReviewLearningActivity.LearningActivity
		if r.Status != "VERIFIED" || deref(r.ReviewNote) != "" {
			t.Fatalf("verified: %+v", r)
		}
		a.fails(t, "citizen", "CONFLICT", "expectedVersion", updateActivityM, m("in", m("id", own.ID, "title", "Kỹ năng số nâng cao", "expectedVersion", own.Version)))
		// Sending what it already says (the same words, typed decomposed)
		// changes nothing that was verified.
		var updated struct {
			UpdateLearningActivity struct{ LearningActivity activityAnswer }
		}
		a.must(t, "citizen", updateActivityM, m("in", m("id", own.ID, "title", norm.NFD.String("Kỹ năng số cơ bản"), "expectedVersion", r.Version)), &updated)
		if u := updated.UpdateLearningActivity.LearningActivity; u.Status != "VERIFIED" {
			t.Errorf("an update that changes nothing: %+v", u)
		}
		r.Version = updated.UpdateLearningActivity.LearningActivity.Version
		a.must(t, "citizen", updateActivityM, m("in", m("id", own.ID, "title", "Kỹ năng số nâng cao", "expectedVersion", r.Version)), &updated)
		u := updated.UpdateLearningActivity.LearningActivity
		if u.Status != "PENDING" || deref(u.ReviewNote) != "" || u.ReviewedAt != nil || u.Title != "Kỹ năng số nâng cao" || u.Version != r.Version+1 ||
			u.StartedOn != own.StartedOn || u.EndedOn != own.EndedOn {
			t.Errorf("an edit of a verified activity: %+v", u)
		}
		// Staff edit and remove what staff entered.
		a.must(t, "officer", updateActivityM, m("in", m("id", byCollaborator.ID, "hours", 12)), nil)
		a.must(t, "collaborator", removeActivityM, m("id", byCollaborator.ID), nil)

		// The citizen removes their own; it cannot be changed after.
		var removed struct {
			RemoveLearningActivity struct{ LearningActivity activityAnswer }
		}
		a.must(t, "citizen", removeActivityM, m("id", own.ID), &removed)
		if removed.RemoveLearningActivity.LearningActivity.ArchivedAt == nil {
			t.Error("removed without archivedAt")
		}
		a.must(t, "citizen", removeActivityM, m("id", own.ID), nil)
		a.fails(t, "citizen", "BAD_USER_INPUT", "id", updateActivityM, m("in", m("id", own.ID, "title", "Lại")))
	})
}

// TestRecordInput: what an activity must say, each refusal naming its
// field; a unit that is not a citizen has no record; a clientID makes an
// add safe to send again.
func TestRecordInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		a := w.a
		tomorrow := time.Now().AddDate(0, 0, 2).Format(time.RFC3339)
		with := func(k string, v any) map[string]any {
			in := activityInput(w.citizen.ID, "Tin học văn phòng")
			in[k] = v
			return m("in", in)
		}
		for _, c := range []struct {
			name, field string
			vars        map[string]any
		}{
			{"blank title", "title", with("title", "   ")},
			{"title too long", "title", with("title", strings.Repeat("a", 201))},
			{"ends before it starts", "endedOn", with("endedOn", "2025-02-01T00:00:00+07:00")},
			{"starts in the future", "startedOn", with("startedOn", tomorrow)},
			{"ends in the future", "endedOn", with("endedOn", tomorrow)},
			{"negative hours", "hours", with("hours", -1)},
			{"too many hours", "hours", with("hours", 10001)},
			{"a household has no record", "citizenID", m("in", activityInput(*w.citizen.ParentID, "Hộ"))},
			{"not a UUID", "clientID", with("clientID", "abc")},
		} {
			t.Run(c.name, func(t *testing.T) { a.fails(t, "officer", "BAD_USER_INPUT", c.field, addActivityM, c.vars) })
		}
		// The message names the limit, in English when asked.
		r := a.exec(a.fx.Viewer("officer"), "", addActivityM, with("hours", 10001), http.Header{"Accept-Language": {"en"}})
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "10000") {
			t.Errorf("hours message: %+v", r.Errors)
		}

		// The same add sent again is the same activity; the id with other
		// details is a CONFLICT.
		in := with("clientID", "6F9619FF-8B86-D011-B42D-00C04FC964FF")
		var first, again struct {
			AddLearningActivity struct{ LearningActivity activityAnswer }
		}
		a.must(t, "citizen", addActivityM, in, &first)
		a.must(t, "citizen", addActivityM, in, &again)
		if first.AddLearningActivity.LearningActivity.ID != again.AddLearningActivity.LearningActivity.ID {
			t.Errorf("a resent add made a second activity")
		}
		changed := with("clientID", "6f9619ff-8b86-d011-b42d-00c04fc964ff")
		changed["in"].(map[string]any)["title"] = "Khác"
		a.fails(t, "citizen", "CONFLICT", "clientID", addActivityM, changed)
		n, err := db.LearningActivity.Query().Count(systemCtx())
		if err != nil || n != 1 {
			t.Errorf("activities kept: %d (%v), want 1", n, err)
		}
		// Dates are days: kept at midnight in Vietnam.
		if got := first.AddLearningActivity.LearningActivity; got.Title != "Tin học văn phòng" {
			t.Errorf("kept: %+v", got)
		}
	})
}

// TestEvidence: files are refused over the limit and of a type other than
// JPEG, PNG or PDF, whatever their name, and nothing is kept then; what is
// kept is served only to those who read the record, as a download.
func TestEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		a := w.a
		ctx := systemCtx()
		own := w.add(t, "citizen", w.citizen.ID, "Chứng chỉ tin học")
		kept := func() (files, blobs int) {
			t.Helper()
			var err error
			if files, err = db.EvidenceFile.Query().Count(ctx); err != nil {
				t.Fatal(err)
			}
			if blobs, err = db.EvidenceBlob.Query().Count(ctx); err != nil {
				t.Fatal(err)
			}
			return files, blobs
		}
		attach := func(user, activity, name string, body []byte) response {
			return a.upload(user, nil, attachEvidenceM, m("in", m("activityID", activity, "file", nil)),
				map[string]uploadFile{"in.file": {name, body}})
		}

		// Refused, naming file, and nothing kept.
		tooLarge := append(pngFile(t), make([]byte, record.MaxEvidenceSize)...)
		for _, c := range []struct {
			name, file string
			body       []byte
		}{
			{"a page named as a photo", "anh.jpg", []byte("<!doctype html><html><script>alert(document.cookie)</script></html>")},
			{"an SVG named as a PNG", "anh.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
			{"a file that only starts like a PNG", "anh.png", []byte("\x89PNG\r\n\x1a\n<script>alert(1)</script>")},
			{"an empty file", "anh.pdf", nil},
			{"over the limit", "anh.png", tooLarge},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := attach("citizen", own.ID, c.file, c.body)
				if r.code() != "BAD_USER_INPUT" || r.field() != "file" {
					t.Fatalf("got %s on %q (%+v), want BAD_USER_INPUT on file", r.code(), r.field(), r.Errors)
				}
				if c.name == "over the limit" && !strings.Contains(r.Errors[0].Message, record.MaxEvidenceText) {
					t.Errorf("the message does not say the limit: %s", r.Errors[0].Message)
				}
				if f, b := kept(); f != 0 || b != 0 {
					t.Errorf("kept %d files, %d blobs", f, b)
				}
			})
		}
		for _, user := range []string{"citizen2", "officer2"} {
			if r := attach(user, own.ID, "anh.png", pngFile(t)); r.code() != "FORBIDDEN" {
				t.Errorf("%s attaches to the citizen's activity: %s", user, r.code())
			}
		}

		// A photo kept, its name without the path the browser sent.
		img := pngFile(t)
		var got struct {
			AttachEvidence struct {
				EvidenceFile struct {
					ID, FileName, ContentType, Sha256, URL string
					Size                                   int
				}
				LearningActivity activityAnswer
			}
		}
		attach("citizen", own.ID, `C:\fakepath\chứng chỉ "tin học".png`, img).decode(t, &got)
		f := got.AttachEvidence.EvidenceFile
		if f.FileName != "chứng chỉ tin học.png" || f.ContentType != "PNG" || f.Size != len(img) ||
			f.Sha256 != record.Digest(img) || f.URL != "/files/evidence/"+f.ID {
			t.Fatalf("kept: %+v", f)
		}
		if v := got.AttachEvidence.LearningActivity.Version; v != own.Version+1 {
			t.Errorf("the activity's version after an attach: %d", v)
		}
		// A PDF named as a page is saved as a PDF.
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		var asPDF struct {
			AttachEvidence struct {
				EvidenceFile struct{ FileName, ContentType string }
			}
		}
		attach("citizen", own.ID, "../../giay-chung-nhan.html", pdf).decode(t, &asPDF)
		if p := asPDF.AttachEvidence.EvidenceFile; p.FileName != "giay-chung-nhan.html.pdf" || p.ContentType != "PDF" {
			t.Errorf("a PDF named .html: %+v", p)
		}

		// Served to the owner (by bearer token, as the app sends it) and to
		// staff of the place; not found to anyone else.
		token := a.login(t, "citizen", fixture.Password).AccessToken
		rec := w.get("", token, f.URL, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), img) {
			t.Fatalf("the owner's download: %d %q", rec.Code, rec.Body.String())
		}
		for k, want := range map[string]string{
			"Content-Type":            "image/png",
			"Content-Disposition":     `attachment; filename="chung chi tin hoc.png"; filename*=UTF-8''ch%E1%BB%A9ng%20ch%E1%BB%89%20tin%20h%E1%BB%8Dc.png`,
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "sandbox; default-src 'none'",
			"Cache-Control":           "private, no-store",
		} {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		for user, status := range map[string]int{
			"officer": http.StatusOK, "collaborator": http.StatusOK, "admin": http.StatusOK,
			"citizen2": http.StatusNotFound, "officer2": http.StatusNotFound, "officer4": http.StatusNotFound, "manager2": http.StatusNotFound,
			// In scope, but a record is for its citizen and the field staff.
			"manager": http.StatusNotFound, "viewer": http.StatusNotFound,
			"": http.StatusUnauthorized,
		} {
			if rec := w.get(user, "", f.URL, nil); rec.Code != status {
				t.Errorf("%q downloads the citizen's evidence: %d, want %d", user, rec.Code, status)
			}
		}
		var node struct{ Node *struct{ ID string } }
		a.must(t, "citizen2", `query($id: ID!) { node(id: $id) { id } }`, m("id", f.ID), &node)
		if node.Node != nil {
			t.Error("the household member reads the citizen's evidence file by its id")
		}
		if rec := w.get("officer", "", "/files/evidence/999999999", nil); rec.Code != http.StatusNotFound {
			t.Errorf("a file that does not exist: %d", rec.Code)
		}

		// Verified, then a file removed: back to PENDING, the bytes gone.
		a.must(t, "officer", reviewActivityM, m("id", own.ID, "s", "VERIFIED"), nil)
		a.fails(t, "citizen2", "FORBIDDEN", "id", removeEvidenceM, m("id", f.ID))
		var rm struct {
			RemoveEvidence struct {
				RemovedID        string
				LearningActivity activityAnswer
			}
		}
		a.must(t, "citizen", removeEvidenceM, m("id", f.ID), &rm)
		if rm.RemoveEvidence.RemovedID != f.ID || rm.RemoveEvidence.LearningActivity.Status != "PENDING" {
			t.Errorf("removed: %+v", rm)
		}
		if files, blobs := kept(); files != 1 || blobs != 1 {
			t.Errorf("after removing one of two: %d files, %d blobs", files, blobs)
		}
		if rec := w.get("citizen", "", f.URL, nil); rec.Code != http.StatusNotFound {
			t.Errorf("a removed file: %d", rec.Code)
		}
		a.fails(t, "citizen", "NOT_FOUND", "id", removeEvidenceM, m("id", f.ID))

		// At most MaxEvidencePerActivity files an activity.
		for i := 1; i < record.MaxEvidencePerActivity; i++ {
			if r := attach("citizen", own.ID, "trang.pdf", pdf); r.code() != "" {
				t.Fatalf("file %d: %+v", i+1, r.Errors)
			}
		}
		if r := attach("citizen", own.ID, "trang.pdf", pdf); r.code() != "BAD_USER_INPUT" || r.field() != "file" {
			t.Errorf("file %d: %s on %q", record.MaxEvidencePerActivity+1, r.code(), r.field())
		}

		// The same upload sent again with its clientID is the same file.
		in := m("in", m("activityID", forStaff(t, w).ID, "file", nil, "clientID", "0b7c5a2e-62a1-4c3f-9d8e-0c6a1f2b3c4d"))
		var up1, up2 struct {
			AttachEvidence struct{ EvidenceFile struct{ ID string } }
		}
		a.upload("officer", nil, attachEvidenceM, in, map[string]uploadFile{"in.file": {"a.png", img}}).decode(t, &up1)
		a.upload("officer", nil, attachEvidenceM, in, map[string]uploadFile{"in.file": {"a.png", img}}).decode(t, &up2)
		if up1.AttachEvidence.EvidenceFile.ID != up2.AttachEvidence.EvidenceFile.ID {
			t.Error("a resent upload kept a second file")
		}
		if r := a.upload("officer", nil, attachEvidenceM, in, map[string]uploadFile{"in.file": {"a.pdf", pdf}}); r.code() != "CONFLICT" || r.field() != "clientID" {
			t.Errorf("another file under the same clientID: %s on %q", r.code(), r.field())
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// forStaff is an activity staff entered in the citizen's record.
func forStaff(t *testing.T, w *recordWorld) activityAnswer {
	t.Helper()
	return w.add(t, "officer", w.citizen.ID, "Tập huấn chuyển đổi số")
}

// TestPrintableRecord: the citizen downloads their record as a printable
// page, escaped, in Vietnamese or English; staff of the place too; no one
// else.
func TestPrintableRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		w := newRecordWorld(t, db)
		act := w.add(t, "citizen", w.citizen.ID, `Lớp <script>alert("x")</script> tin học`)
		w.a.must(t, "officer", reviewActivityM, m("id", act.ID, "s", "VERIFIED"), nil)
		removed := w.add(t, "citizen", w.citizen.ID, "Hoạt động đã xóa")
		w.a.must(t, "citizen", removeActivityM, m("id", removed.ID), nil)
		path := record.RecordPrefix + id(w.citizen.ID)

		rec := w.get("citizen", "", path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("the citizen's record: %d %s", rec.Code, rec.Body)
		}
		page := rec.Body.String()
		for _, want := range []string{"Hồ sơ học tập suốt đời", w.citizen.Name, "1985", "Hộ Nguyễn Văn", "Thôn 1, Xã An Bình, Huyện Đông, Tỉnh Một", "Kỹ năng số", "Đã xác minh",
			"01/03/2025 – 31/03/2025", `Lớp &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; tin học`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "Hoạt động đã xóa") {
			t.Error("the page holds a script, or a removed activity")
		}
		if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="ho-so-hoc-tap-`) || !strings.Contains(cd, ".html") {
			t.Errorf("Content-Disposition: %q", cd)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type: %q", ct)
		}
		en := w.get("officer", "", path, http.Header{"Accept-Language": {"en"}})
		if en.Code != http.StatusOK || !strings.Contains(en.Body.String(), "Lifelong-learning record") || !strings.Contains(en.Body.String(), "Verified") {
			t.Errorf("in English: %d", en.Code)
		}
		for user, status := range map[string]int{
			"citizen2": http.StatusNotFound, "officer2": http.StatusNotFound, "manager2": http.StatusNotFound, "": http.StatusUnauthorized,
			"manager": http.StatusNotFound, "viewer": http.StatusNotFound,
		} {
			if rec := w.get(user, "", path, nil); rec.Code != status {
				t.Errorf("%q downloads the citizen's record: %d, want %d", user, rec.Code, status)
			}
		}
		if rec := w.get("officer", "", record.RecordPrefix+id(*w.citizen.ParentID), nil); rec.Code != http.StatusNotFound {
			t.Errorf("a household's record: %d", rec.Code)
		}
	})
}

// TestRecordFollowsMove: the record stays with the person. After their
// household moves to another commune, that commune's officer reads and
// verifies it and the old one no longer does; the citizen reads it
// throughout.
func TestRecordFollowsMove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		{
			w := newRecordWorld(t, db)
			a := w.a
			act := w.add(t, "citizen", w.citizen.ID, "Lớp sơ cấp cứu")
			a.must(t, "officer", reviewActivityM, m("id", act.ID, "s", "VERIFIED"), nil)
			move := `mutation($id: ID!, $au: ID!) { updateLearningUnit(input: {id: $id, adminUnitID: $au}) { learningUnit { id } } }`
			reads := func(user string) bool {
				t.Helper()
				token := a.login(t, user, fixture.Password).AccessToken
				var got struct{ Node *activityAnswer }
				a.exec(nil, token, `query($id: ID!) { node(id: $id) { ... on LearningActivity { id status } } }`, m("id", act.ID), nil).decode(t, &got)
				return got.Node != nil && got.Node.Status == "VERIFIED"
			}
			// Within the commune, by its officer: the collaborator of the
			// village left behind no longer reads it.
			for _, u := range []int{*w.citizen.ParentID, w.citizen.ID, w.member.ID} {
				a.must(t, "officer", move, m("id", id(u), "au", id(w.fx.V1b.ID)), nil)
			}
			for user, want := range map[string]bool{"citizen": true, "officer": true, "collaborator": false} {
				if got := reads(user); got != want {
					t.Errorf("after the move within the commune, %s reads the record: %v, want %v", user, got, want)
				}
			}
			// The household and its members move to a village of C2.
			for _, u := range []int{*w.citizen.ParentID, w.citizen.ID, w.member.ID} {
				a.must(t, "admin", move, m("id", id(u), "au", id(w.fx.V2a.ID)), nil)
			}
			for user, want := range map[string]bool{"citizen": true, "officer2": true, "officer": false, "collaborator": false} {
				if got := reads(user); got != want {
					t.Errorf("after the move, %s reads the record: %v, want %v", user, got, want)
				}
			}
			a.fails(t, "officer", "FORBIDDEN", "id", reviewActivityM, m("id", act.ID, "s", "REJECTED", "n", "Không rõ"))
			a.must(t, "officer2", reviewActivityM, m("id", act.ID, "s", "REJECTED", "n", "Cần bản sao chứng chỉ"), nil)
			if rec := w.get("officer", "", record.RecordPrefix+id(w.citizen.ID), nil); rec.Code != http.StatusNotFound {
				t.Errorf("the old commune's officer prints the record: %d", rec.Code)
			}
			if rec := w.get("officer2", "", record.RecordPrefix+id(w.citizen.ID), nil); rec.Code != http.StatusOK {
				t.Errorf("the new commune's officer prints the record: %d", rec.Code)
			}
		}
	})
}

// TestRecordFollowsMerger: after the citizen's commune is merged, the
// officer of the new commune reads the record, and the citizen still does.
func TestRecordFollowsMerger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		{
			w := newRecordWorld(t, db)
			a := w.a
			act := w.add(t, "citizen", w.citizen.ID, "Câu lạc bộ tiếng Anh")
			in := map[string]any{"number": "1665/NQ-UBTVQH15", "title": "Sắp xếp đơn vị hành chính cấp xã",
				"signedOn": "2025-06-16T00:00:00+07:00", "effectiveOn": "2025-07-01T00:00:00+07:00",
				"changes": []map[string]any{{"kind": "MERGE", "sources": []string{id(w.fx.C1.ID), id(w.fx.C2.ID)}, "successor": map[string]any{
					"new": map[string]any{"key": "an-hoa", "code": "90103", "name": "Xã An Hòa", "type": "Xã", "level": "COMMUNE", "parentID": id(w.fx.D1.ID)}}}}}
			var planned struct{ PlanReorganisation struct{ Plan planAnswer } }
			a.must(t, "admin", planM, m("in", in), &planned)
			if p := planned.PlanReorganisation.Plan; len(p.Problems) != 0 {
				t.Fatalf("plan: %+v", p.Problems)
			}
			a.must(t, "admin", applyM, m("id", planned.PlanReorganisation.Plan.Reorganisation.ID), nil)
			// Signed in afresh: officer2, of C2 before, is now an officer
			// of Xã An Hòa, which holds the citizen.
			for user, want := range map[string]bool{"citizen": true, "officer2": true, "officer4": false} {
				token := a.login(t, user, fixture.Password).AccessToken
				var got struct {
					Node *struct{ ID string }
					Me   struct{ Scope struct{ Name string } }
				}
				a.exec(nil, token, `query($id: ID!) { node(id: $id) { id } me { scope { name } } }`, m("id", act.ID), nil).decode(t, &got)
				if (got.Node != nil) != want {
					t.Errorf("after the merger, %s (scope %s) reads the record: %v, want %v", user, got.Me.Scope.Name, got.Node != nil, want)
				}
				req := httptest.NewRequest(http.MethodGet, record.RecordPrefix+id(w.citizen.ID), nil).WithContext(context.Background())
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				w.files.ServeHTTP(rec, req)
				if (rec.Code == http.StatusOK) != want {
					t.Errorf("after the merger, %s prints the record: %d", user, rec.Code)
				}
			}
		}
	})
}
