package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hoctap/internal/apperr"
	"hoctap/internal/i18n"
)

// uploadTransport serves the GraphQL multipart request spec
// (multipart/form-data: an operations part, a map part, then the files),
// by which checkImport and importUnits take their files. It stands in for
// gqlgen's MultipartForm, which kept the file of a request without a
// Content-Length whole in memory, refused a file too large without a code
// or a field, and panicked on a map path that did not fit the variables.
// Here a file is spooled to disk as it arrives (kept in memory up to
// uploadInMemory), and every refusal is a coded GraphQL error, as
// httpTransport's are.
type uploadTransport struct {
	// maxFiles bounds the files of one request together (--max-upload).
	maxFiles int64
	// maxBody bounds the operations part, and the map part, as a JSON
	// body is bounded (--max-body).
	maxBody int64
	// tmpDir is where files are spooled; the system's if "".
	tmpDir string
}

const (
	// uploadInMemory is the size up to which a file is kept in memory.
	uploadInMemory = 64 << 10
	// uploadSlack is what the parts' headers and boundaries may add to a
	// body beyond its files and its two JSON parts.
	uploadSlack = 64 << 10
)

var _ graphql.Transport = uploadTransport{}

// Supports takes the POSTs of multipart/form-data.
func (uploadTransport) Supports(r *http.Request) bool { return IsUpload(r) }

// IsUpload tells a request of files (a list to import): a long request,
// whose body may take minutes to arrive, so the server gives it the long
// deadline (middleware.Deadline) for its reading and its operation.
func IsUpload(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && r.Method == http.MethodPost && mt == "multipart/form-data"
}

var (
	msgUploadForm = i18n.Message{
		VI: "Yêu cầu tải tệp không theo đặc tả GraphQL multipart: cần phần operations, phần map, rồi các tệp.",
		EN: "The upload does not follow the GraphQL multipart request spec: an operations part, a map part, then the files."}
	msgUploadJSON = i18n.Message{VI: "Phần %s của yêu cầu không phải JSON hợp lệ.", EN: "The %s part is not valid JSON."}
	msgUploadMap  = i18n.Message{
		VI: "Phần map không khớp với các tệp gửi kèm (%s).",
		EN: "The map part does not match the files sent (%s)."}
	msgUploadTooLarge = i18n.Message{VI: "Tệp quá lớn: tối đa %s.", EN: "The file is too large: at most %s."}
)

func (t uploadTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	start := graphql.Now()
	u := &upload{t: t}
	defer u.close()
	params, bad := u.read(w, r)
	if bad != nil {
		write(w, bad.status, exec.DispatchError(r.Context(), gqlerror.List{requestError(bad.err)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(r.Context(), w, media, exec, params, false)
}

// upload is one multipart request being read: the files it spooled and
// opened, removed and closed when it has been answered.
type upload struct {
	t      uploadTransport
	spools []string
	opened []io.Closer
	// field is the input field of the file being read, for a refusal.
	field string
}

func (u *upload) close() {
	for _, f := range u.opened {
		f.Close()
	}
	for _, name := range u.spools {
		os.Remove(name)
	}
}

// read reads the parts: the operation, the map of files to variables, and
// the files, each put where the map says.
func (u *upload) read(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *refusal) {
	limit := u.t.maxFiles + 2*u.t.maxBody + uploadSlack
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("", msgUploadForm)}
	}
	var p graphql.RawParams
	if bad := u.decode(mr, "operations", &p); bad != nil {
		return nil, bad
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("query", msgNoQuery)}
	}
	var files map[string][]string
	if bad := u.decode(mr, "map", &files); bad != nil {
		return nil, bad
	}
	for _, paths := range files {
		if len(paths) == 0 {
			return nil, &refusal{http.StatusBadRequest, apperr.Input("map", msgUploadMap, "[]")}
		}
		// A body announced too large is refused before its files are read,
		// naming the field of one of them.
		if u.field == "" || paths[0] < u.field {
			u.field = paths[0]
		}
	}
	if r.ContentLength > limit {
		return nil, u.tooLarge()
	}
	left := u.t.maxFiles
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, u.fault(err)
		}
		key := part.FormName()
		paths, ok := files[key]
		if !ok {
			return nil, &refusal{http.StatusBadRequest, apperr.Input("map", msgUploadMap, strconv.Quote(key))}
		}
		delete(files, key)
		u.field = paths[0]
		open, size, err := u.spool(part, left)
		if err != nil {
			return nil, u.fault(err)
		}
		if size > left {
			return nil, u.tooLarge()
		}
		left -= size
		for _, path := range paths {
			f, err := open()
			if err != nil {
				return nil, u.fault(err)
			}
			up := graphql.Upload{File: f, Size: size, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type")}
			if !setVariable(p.Variables, path, up) {
				return nil, &refusal{http.StatusBadRequest, apperr.Input("map", msgUploadMap, strconv.Quote(path))}
			}
		}
	}
	for key := range files {
		return nil, &refusal{http.StatusBadRequest, apperr.Input("map", msgUploadMap, strconv.Quote(key))}
	}
	return &p, nil
}

// decode reads the next part, which must be the JSON part name.
func (u *upload) decode(mr *multipart.Reader, name string, into any) *refusal {
	part, err := mr.NextPart()
	if err != nil || part.FormName() != name {
		if err != nil && !errors.Is(err, io.EOF) {
			return u.fault(err)
		}
		return &refusal{http.StatusBadRequest, apperr.Input("", msgUploadForm)}
	}
	body, err := io.ReadAll(io.LimitReader(part, u.t.maxBody+1))
	switch {
	case err != nil:
		return u.fault(err)
	case int64(len(body)) > u.t.maxBody:
		return &refusal{http.StatusRequestEntityTooLarge, apperr.New(apperr.QueryTooComplex, msgBodyTooLarge, u.t.maxBody)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil || dec.Decode(new(json.RawMessage)) != io.EOF {
		return &refusal{http.StatusBadRequest, apperr.Input(name, msgUploadJSON, name)}
	}
	return nil
}

// spool reads a file part, up to one byte past left: into memory when it
// is small, else into a temporary file. It returns how to open the file
// (once for each variable it goes to) and its size.
func (u *upload) spool(part io.Reader, left int64) (func() (io.ReadSeeker, error), int64, error) {
	in := io.LimitReader(part, left+1)
	head := make([]byte, uploadInMemory+1)
	n, err := io.ReadFull(in, head)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		head = head[:n]
		return func() (io.ReadSeeker, error) { return bytes.NewReader(head), nil }, int64(n), nil
	}
	if err != nil {
		return nil, 0, err
	}
	f, err := os.CreateTemp(u.t.tmpDir, "hoctap-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("spool upload: %w", err)
	}
	u.spools = append(u.spools, f.Name())
	size, err := io.Copy(f, io.MultiReader(bytes.NewReader(head), in))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("spool upload: %w", cerr)
	}
	if err != nil {
		return nil, 0, err
	}
	open := func() (io.ReadSeeker, error) {
		f, err := os.Open(f.Name())
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		u.opened = append(u.opened, f)
		return f, nil
	}
	return open, size, nil
}

// tooLarge refuses the file being read (or the body announced) as larger
// than --max-upload, naming its input field.
func (u *upload) tooLarge() *refusal {
	return &refusal{http.StatusRequestEntityTooLarge, apperr.Input(fieldOf(u.field), msgUploadTooLarge, bytesText(u.t.maxFiles))}
}

// fault is the refusal of a body that could not be read.
func (u *upload) fault(err error) *refusal {
	var max *http.MaxBytesError
	switch {
	case errors.As(err, &max):
		return u.tooLarge()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &refusal{http.StatusRequestTimeout, apperr.Input("", msgBodyTimeout).Wrap(err)}
	}
	return &refusal{http.StatusBadRequest, apperr.Input("", msgBodyUnread).Wrap(err)}
}

// setVariable puts v where path ("variables.input.file",
// "variables.files.0") says, reporting whether the variables had a place
// for it there.
func setVariable(vars map[string]any, path string, v any) bool {
	parts := strings.Split(path, ".")
	if vars == nil || len(parts) < 2 || parts[0] != "variables" {
		return false
	}
	var at any = vars
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		switch c := at.(type) {
		case map[string]any:
			if _, ok := c[p]; !ok && !last {
				return false
			}
			if last {
				c[p] = v
				return true
			}
			at = c[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return false
			}
			if last {
				c[n] = v
				return true
			}
			at = c[n]
		default:
			return false
		}
	}
	return false
}

// fieldOf names the input field a map path feeds: its last name
// ("variables.input.file" is file).
func fieldOf(path string) string {
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i > 0; i-- {
		if _, err := strconv.Atoi(parts[i]); err != nil {
			return parts[i]
		}
	}
	return ""
}

// bytesText writes a size as people read it: 256 MiB, 64 KiB, 1500 bytes.
func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
