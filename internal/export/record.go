package export

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/learningactivity"
	"hoctap/ent/learningunit"
	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
	"hoctap/internal/record"
	"hoctap/internal/rule"
)

// Evidence serves GET /files/evidence/{id}: an evidence file of a
// lifelong-learning record, to those who read the record. The file is read
// as the viewer, so one out of their reach is 404 like one that does not
// exist; its bytes are sent as a download under the type its content
// showed, never rendered by the browser (sandboxed, nosniff).
func (h *Handler) Evidence() http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		id, err := parseID("id", r.PathValue("id"))
		if err != nil {
			return err
		}
		f, data, err := record.Blob(r.Context(), h.client, id)
		if err != nil {
			return err
		}
		hd := w.Header()
		hd.Set("Content-Type", record.MediaType(f.ContentType))
		hd.Set("Content-Length", strconv.Itoa(len(data)))
		download(hd, f.FileName)
		h.write(w, r, data)
		return nil
	})
}

// download sets the headers of a file that must be saved, never shown:
// an attachment under name, which the browser neither sniffs nor runs
// (a sandbox without a source of anything), kept by no shared cache.
func download(hd http.Header, name string) {
	hd.Set("Content-Disposition", Attachment(name))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("Cache-Control", "private, no-store")
}

// Attachment is a Content-Disposition of a download named name, as RFC
// 6266 writes it: an ASCII filename for old clients (accents dropped,
// anything that would need quoting replaced), then the name itself as
// filename* in UTF-8.
func Attachment(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '/' || r == ';' || r == '%':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	ascii := b.String()
	if strings.Trim(ascii, "._ ") == "" {
		ascii = "download"
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, extValue(name))
}

var recordPage = template.Must(template.ParseFS(templateFS, "templates/record.html"))

// recordLabels are the printed record's words in one language.
type recordLabels struct {
	Title, Name, BirthYear, Household, Place                                  string
	No, Activity, Kind, Provider, Dates, Hours, Certificate, Status, Evidence string
	None, Totals, Printed                                                     string
}

var (
	labelsVI = recordLabels{
		Title: "Hồ sơ học tập suốt đời", Name: "Họ và tên", BirthYear: "Năm sinh", Household: "Hộ gia đình", Place: "Nơi ở",
		No: "STT", Activity: "Hoạt động học tập", Kind: "Loại", Provider: "Đơn vị tổ chức", Dates: "Thời gian", Hours: "Số giờ",
		Certificate: "Chứng chỉ", Status: "Xác minh", Evidence: "Minh chứng", None: "Chưa có hoạt động học tập nào.",
	}
	labelsEN = recordLabels{
		Title: "Lifelong-learning record", Name: "Full name", BirthYear: "Year of birth", Household: "Household", Place: "Lives in",
		No: "No.", Activity: "Learning activity", Kind: "Kind", Provider: "Provider", Dates: "Dates", Hours: "Hours",
		Certificate: "Certificate", Status: "Verification", Evidence: "Evidence", None: "No learning activity yet.",
	}
	msgRecordTotals  = i18n.Message{VI: "Tổng số: %d hoạt động, %s giờ; đã xác minh: %d hoạt động, %s giờ", EN: "Total: %d activities, %s hours; verified: %d activities, %s hours"}
	msgRecordPrinted = i18n.Message{VI: "In ngày %s", EN: "Printed on %s"}
)

// recordRow is one activity as printed.
type recordRow struct {
	No                                               int
	Title, Kind, Provider, Dates, Hours, Certificate string
	Status, Note, Evidence                           string
}

// recordView is what the record's template shows.
type recordView struct {
	Lang                              i18n.Lang
	L                                 recordLabels
	Name, BirthYear, Household, Place string
	Activities                        []recordRow
}

// Record serves GET /files/record/{citizenID}: a citizen's
// lifelong-learning record as a printable page (Vietnamese, or English as
// the API's language switch asks), as a download. A CITIZEN gets their
// own; field staff the records their scope reads. Anything else is 404, like a
// record that does not exist.
func (h *Handler) Record() http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id, err := parseID("citizenID", r.PathValue("citizenID"))
		if err != nil {
			return err
		}
		notFound := &apperr.Error{Code: apperr.NotFound, Field: "citizenID", Msg: apperr.MsgNotFound}
		// Whose records one reads is narrower than whose learning units:
		// a citizen reads their household's members, a manager their
		// province's citizens, but not their records.
		switch ok, err := rule.ReadsRecordOf(ctx, h.client, id); {
		case err != nil:
			return err
		case !ok:
			return notFound
		}
		lu, err := h.client.LearningUnit.Query().
			Where(learningunit.ID(id), learningunit.KindEQ(learningunit.KindCITIZEN)).
			WithParent().
			// The place as an address: village, commune, district (if any)
			// and province; units above one's scope are readable by name.
			WithAdminUnit(func(q *ent.AdminUnitQuery) {
				q.WithParent(func(q *ent.AdminUnitQuery) {
					q.WithParent(func(q *ent.AdminUnitQuery) { q.WithParent() })
				})
			}).
			WithActivities(func(q *ent.LearningActivityQuery) {
				q.Where(learningactivity.ArchivedAtIsNil()).
					Order(ent.Asc(learningactivity.FieldStartedOn), ent.Asc(learningactivity.FieldID)).
					WithEvidence()
			}).
			Only(ctx)
		if ent.IsNotFound(err) {
			return notFound.Wrap(err)
		}
		if err != nil {
			return fmt.Errorf("record of citizen %d: %w", id, err)
		}
		lang := i18n.FromContext(ctx)
		var buf bytes.Buffer
		if err := recordPage.Execute(&buf, newRecordView(lu, lang)); err != nil {
			return fmt.Errorf("render record of citizen %d: %w", id, err)
		}
		hd := w.Header()
		hd.Set("Content-Type", contentTypes[HTML])
		hd.Set("Content-Length", strconv.Itoa(buf.Len()))
		download(hd, "ho-so-hoc-tap-"+slug(lu.Name)+"-"+strconv.Itoa(lu.ID)+".html")
		// The page is static: no script, no request of its own; its own
		// styles only, for when it is opened from the disk.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.write(w, r, buf.Bytes())
		return nil
	})
}

func newRecordView(lu *ent.LearningUnit, lang i18n.Lang) recordView {
	v := recordView{Lang: lang, L: labelsVI, Name: lu.Name}
	if lang == i18n.EN {
		v.L = labelsEN
	}
	if lu.BirthYear != nil {
		v.BirthYear = strconv.Itoa(*lu.BirthYear)
	}
	if p := lu.Edges.Parent; p != nil {
		v.Household = p.Name
	}
	var place []string
	for au := lu.Edges.AdminUnit; au != nil && au.Level != adminunit.LevelCOUNTRY; au = au.Edges.Parent {
		place = append(place, au.Name)
	}
	v.Place = strings.Join(place, ", ")
	var hours, verifiedHours float64
	verified := 0
	for i, a := range lu.Edges.Activities {
		row := recordRow{
			No: i + 1, Title: a.Title, Kind: record.KindName(a.Kind).Format(lang), Provider: a.Provider,
			Hours: hoursText(a.Hours), Certificate: a.Certificate, Status: record.StatusName(a.Status).Format(lang),
			Dates: day(a.StartedOn).Format("02/01/2006"),
		}
		if a.EndedOn != nil {
			row.Dates += " – " + day(*a.EndedOn).Format("02/01/2006")
		}
		if a.Status == learningactivity.StatusREJECTED {
			row.Note = a.ReviewNote
		}
		var names []string
		for _, f := range a.Edges.Evidence {
			names = append(names, f.FileName)
		}
		row.Evidence = strings.Join(names, ", ")
		hours += a.Hours
		if a.Status == learningactivity.StatusVERIFIED {
			verified++
			verifiedHours += a.Hours
		}
		v.Activities = append(v.Activities, row)
	}
	v.L.Totals = msgRecordTotals.Format(lang, len(v.Activities), hoursText(hours), verified, hoursText(verifiedHours))
	v.L.Printed = msgRecordPrinted.Format(lang, time.Now().In(i18n.Vietnam).Format("02/01/2006"))
	return v
}

// extValue percent-encodes a value for filename* (RFC 8187): every byte
// but the attr-chars.
func extValue(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// hoursText writes hours without trailing zeros: 12, 1.5.
func hoursText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
