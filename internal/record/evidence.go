package record

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode"

	"hoctap/ent"
	"hoctap/ent/evidenceblob"
	"hoctap/ent/evidencefile"
	"hoctap/ent/learningactivity"
	"hoctap/ent/privacy"
	"hoctap/internal/access"
	"hoctap/internal/apperr"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/viewer"
)

// MaxEvidenceSize is the largest evidence file: a phone's photo of a
// certificate or a scanned page fits; a file larger is refused whole.
const MaxEvidenceSize = 5 << 20

// MaxEvidenceText is MaxEvidenceSize as the messages say it.
const MaxEvidenceText = "5 MB"

// MaxEvidencePerActivity bounds the files of one activity: a few photos
// and a certificate, not an album.
const MaxEvidencePerActivity = 10

// maxFileName is the schema's limit on a file's name.
const maxFileName = 200

var (
	msgFileTooLarge = i18n.Message{VI: "Tệp minh chứng quá lớn: tối đa %s.", EN: "The evidence file is too large: at most %s."}
	msgFileEmpty    = i18n.Message{VI: "Tệp minh chứng trống.", EN: "The evidence file is empty."}
	msgFileType     = i18n.Message{
		VI: "Tệp minh chứng phải là ảnh JPEG, PNG hoặc tài liệu PDF; loại tệp được nhận biết theo nội dung, không theo tên hay đuôi tệp.",
		EN: "Evidence must be a JPEG or PNG image or a PDF document, as its content shows, whatever its name or extension."}
	msgTooManyFiles = i18n.Message{VI: "Mỗi hoạt động có tối đa %d tệp minh chứng; hãy xóa bớt trước.", EN: "An activity has at most %d evidence files; remove one first."}
)

// types are the evidence types by what their content starts with, with
// their media type and file extension.
var types = []struct {
	ct    evidencefile.ContentType
	magic []byte
	media string
	ext   string
	// decode, when set, must read the image's header: a file that only
	// starts like an image is refused.
	decode func(io.Reader) (image.Config, error)
}{
	{evidencefile.ContentTypeJPEG, []byte{0xFF, 0xD8, 0xFF}, "image/jpeg", ".jpg", jpeg.DecodeConfig},
	{evidencefile.ContentTypePNG, []byte("\x89PNG\r\n\x1a\n"), "image/png", ".png", png.DecodeConfig},
	{evidencefile.ContentTypePDF, []byte("%PDF-"), "application/pdf", ".pdf", nil},
}

// Sniff reads an evidence file's type from its first bytes, never from its
// name or the type the uploader declared; ok is false for anything but
// JPEG, PNG and PDF.
func Sniff(data []byte) (ct evidencefile.ContentType, ok bool) {
	for _, t := range types {
		if !bytes.HasPrefix(data, t.magic) {
			continue
		}
		if t.decode != nil {
			if _, err := t.decode(bytes.NewReader(data)); err != nil {
				return "", false
			}
		}
		return t.ct, true
	}
	return "", false
}

// MediaType is the Content-Type an evidence file is served with.
func MediaType(ct evidencefile.ContentType) string {
	for _, t := range types {
		if t.ct == ct {
			return t.media
		}
	}
	return "application/octet-stream"
}

// extension is the file extension of a type, with its dot.
func extension(ct evidencefile.ContentType) string {
	for _, t := range types {
		if t.ct == ct {
			return t.ext
		}
	}
	return ""
}

// CleanName is the name an uploaded file is kept and served under: the
// last element of whatever path the client sent (either slash), without
// control characters, at most maxFileName characters, and ending in the
// extension of its sniffed type, so a PNG named "x.html" is saved as
// "x.html.png" by whoever downloads it, never opened as a page.
func CleanName(name string, ct evidencefile.ContentType) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		// Format characters too: a right-to-left override would show
		// "gpj.exe" as "exe.jpg" in a download dialog.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		name = ""
	}
	ext := extension(ct)
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ext) && !(ct == evidencefile.ContentTypeJPEG && strings.HasSuffix(lower, ".jpeg")) {
		name += ext
	}
	if name == ext {
		name = "minh-chung" + ext
	}
	if r := []rune(name); len(r) > maxFileName {
		e := []rune(ext)
		name = string(r[:maxFileName-len(e)]) + ext
	}
	return name
}

// EvidencePrefix is the path evidence files are downloaded under.
const EvidencePrefix = "/files/evidence/"

// RecordPrefix is the path printable records are downloaded under.
const RecordPrefix = "/files/record/"

// EvidenceURL is where an evidence file is downloaded: a path on the
// server, fetched with the API's Authorization header.
func EvidenceURL(id int) string { return EvidencePrefix + strconv.Itoa(id) }

// Digest is the SHA-256 of a file's content, in hex, as EvidenceFile.sha256
// keeps it.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Read reads an uploaded file of size bytes (as the upload announced it,
// -1 when unknown), refusing it past MaxEvidenceSize before it is read
// whole.
func Read(f io.Reader, size int64) ([]byte, error) {
	if size > MaxEvidenceSize {
		return nil, apperr.Input("file", msgFileTooLarge, MaxEvidenceText)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxEvidenceSize+1))
	if err != nil {
		return nil, fmt.Errorf("read evidence file: %w", err)
	}
	if len(data) > MaxEvidenceSize {
		return nil, apperr.Input("file", msgFileTooLarge, MaxEvidenceText)
	}
	return data, nil
}

// Attach adds a file to an activity as evidence: its description as an
// EvidenceFile, its bytes as an EvidenceBlob, in the transaction of ctx,
// so both or neither are kept. A verified or rejected activity goes back
// to PENDING: the evidence an officer saw has changed.
func Attach(ctx context.Context, activityID int, name string, data []byte) (*ent.EvidenceFile, error) {
	if err := Roles.May(ctx, "attachEvidence"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	a, err := access.Lookup(ctx, "activityID", func(ctx context.Context) (*ent.LearningActivity, error) {
		return c.LearningActivity.Get(ctx, activityID)
	})
	if err != nil {
		return nil, err
	}
	create := c.EvidenceFile.Create().SetActivityID(a.ID)
	if v := viewer.FromContext(ctx); v != nil {
		create.SetUploadedByID(v.UserID)
	}
	if err := access.Authorize(ctx, evidencefile.Policy, "activityID", create.Mutation()); err != nil {
		return nil, err
	}
	if a.ArchivedAt != nil {
		return nil, apperr.Input("activityID", msgRemoved)
	}
	if len(data) > MaxEvidenceSize {
		return nil, apperr.Input("file", msgFileTooLarge, MaxEvidenceText)
	}
	if len(data) == 0 {
		return nil, apperr.Input("file", msgFileEmpty)
	}
	ct, ok := Sniff(data)
	if !ok {
		return nil, apperr.Input("file", msgFileType)
	}
	n, err := countEvidence(ctx, c, a.ID)
	if err != nil {
		return nil, fmt.Errorf("attach evidence: %w", err)
	}
	if n >= MaxEvidencePerActivity {
		return nil, apperr.Input("file", msgTooManyFiles, MaxEvidencePerActivity)
	}
	f, err := create.SetFileName(CleanName(name, ct)).SetContentType(ct).SetSize(int64(len(data))).
		SetSha256(Digest(data)).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("attach evidence: %w", err)
	}
	// The bytes are the system's to keep: the policy of the file above
	// decided who may add them.
	if err := c.EvidenceBlob.Create().SetFileID(f.ID).SetData(data).Exec(system(ctx)); err != nil {
		return nil, fmt.Errorf("attach evidence: keep the file: %w", err)
	}
	if err := touch(ctx, c, a); err != nil {
		return nil, err
	}
	return f, audit.Record(ctx, c, audit.Entry{
		Action: "evidence.attach", TargetType: "EvidenceFile", TargetID: f.ID, ScopePath: citizenPath(ctx, c, a.CitizenID),
		Details: map[string]any{"activity": a.ID, "type": ct, "size": f.Size},
	})
}

// RemoveEvidence deletes an evidence file and its bytes, and answers its
// activity, sent back to PENDING if it had been reviewed.
func RemoveEvidence(ctx context.Context, id int) (*ent.LearningActivity, error) {
	if err := Roles.May(ctx, "removeEvidence"); err != nil {
		return nil, err
	}
	c := ent.FromContext(ctx)
	f, err := access.Lookup(ctx, "id", func(ctx context.Context) (*ent.EvidenceFile, error) {
		return c.EvidenceFile.Get(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	// ent builds no delete mutation to ask the policy beforehand: the
	// delete itself asks it, first; what follows fails the transaction
	// (rolled back with the request) if anything else is wrong.
	if err := c.EvidenceFile.DeleteOneID(id).Exec(ctx); errors.Is(err, privacy.Deny) {
		return nil, &apperr.Error{Code: apperr.Forbidden, Field: "id", Msg: apperr.MsgForbidden, Err: err}
	} else if err != nil {
		return nil, fmt.Errorf("remove evidence: %w", err)
	}
	a, err := activityOf(ctx, c, f.ActivityID)
	if err != nil {
		return nil, fmt.Errorf("remove evidence: %w", err)
	}
	if a.ArchivedAt != nil {
		return nil, apperr.Input("id", msgRemoved)
	}
	if _, err := c.EvidenceBlob.Delete().Where(evidenceblob.FileID(id)).Exec(system(ctx)); err != nil {
		return nil, fmt.Errorf("remove evidence: the file's bytes: %w", err)
	}
	if err := touch(ctx, c, a); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, c, audit.Entry{
		Action: "evidence.remove", TargetType: "EvidenceFile", TargetID: id, ScopePath: citizenPath(ctx, c, a.CitizenID),
		Details: map[string]any{"activity": a.ID},
	}); err != nil {
		return nil, err
	}
	return c.LearningActivity.Get(ctx, a.ID)
}

// touch marks an activity changed when its evidence changes (a new
// version, so clients that keep it know to read it again), and sends it
// back to PENDING if it had been reviewed.
func touch(ctx context.Context, c *ent.Client, a *ent.LearningActivity) error {
	u := c.LearningActivity.UpdateOneID(a.ID)
	if a.Status != learningactivity.StatusPENDING {
		reopen(u.Mutation())
	}
	if err := u.Exec(ctx); err != nil {
		return fmt.Errorf("evidence of activity %d: %w", a.ID, err)
	}
	return nil
}

// Blob reads an evidence file for a download: the file as the viewer of
// ctx (so the read rules decide, and a file out of their reach is
// NOT_FOUND like one that does not exist), then its bytes as the system.
func Blob(ctx context.Context, c *ent.Client, id int) (*ent.EvidenceFile, []byte, error) {
	f, err := c.EvidenceFile.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, &apperr.Error{Code: apperr.NotFound, Field: "id", Msg: apperr.MsgNotFound, Err: err}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evidence file %d: %w", id, err)
	}
	b, err := c.EvidenceBlob.Query().Where(evidenceblob.FileID(f.ID)).Only(system(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("evidence file %d: its bytes: %w", id, err)
	}
	return f, b.Data, nil
}
