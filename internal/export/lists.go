package export

import (
	"bytes"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"hoctap/internal/apperr"
	"hoctap/internal/gcbudget"
	"hoctap/internal/i18n"
	"hoctap/internal/imports"
)

var msgUnknownKind = i18n.Message{VI: "Không có loại danh sách «%s»; chọn một trong: %s.", EN: "There is no kind of list «%s»; choose one of: %s."}

// Templates serves GET /export/templates/imports.xlsx[?kind=<id>…]: the
// workbook lists are typed into for an import, with its instructions in
// the request's language; every kind's sheet, or those of the kinds asked
// for (each with its bundle: households bring their members).
func (h *Handler) Templates() http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		var kinds []*imports.Kind
		for _, id := range r.URL.Query()["kind"] {
			k, err := kindParam(id, imports.Kinds())
			if err != nil {
				return err
			}
			for _, b := range imports.Bundle(k) {
				if !slices.Contains(kinds, b) {
					kinds = append(kinds, b)
				}
			}
		}
		var buf bytes.Buffer
		if err := imports.WriteTemplate(&buf, i18n.FromContext(r.Context()), kinds...); err != nil {
			return err
		}
		name := "mau-nhap-danh-sach"
		if len(kinds) > 0 {
			name += "-" + slug(kinds[0].Sheets[0])
		}
		hd := w.Header()
		hd.Set("Content-Type", contentTypes[XLSX])
		hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".xlsx"}))
		hd.Set("Content-Length", strconv.Itoa(buf.Len()))
		hd.Set("Cache-Control", "private, no-store")
		h.write(w, r, buf.Bytes())
		return nil
	})
}

// Units serves GET /export/units.xlsx?kind=<id>[&unit=<id>]: the learning
// units of a kind in the viewer's scope, or under an administrative unit
// of it, laid out as their import template (imports.Export), so the file
// edited imports back. A province's households are too many to hold: the
// workbook is streamed, and once its first byte is out an error can only
// cut it short. Everything that can be refused (the viewer, the kind, the
// unit) is refused before, as the export reads the units before it writes.
func (h *Handler) Units() http.Handler {
	return h.serve(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		id := q.Get("kind")
		if id == "" {
			return apperr.Input("kind", apperr.MsgRequired)
		}
		kind, err := kindParam(id, imports.Exportable())
		if err != nil {
			return err
		}
		under := 0
		if s := q.Get("unit"); s != "" {
			if under, err = parseID("unit", s); err != nil {
				return err
			}
		}
		name := slug(kind.Sheets[0])
		if under > 0 {
			name += "-" + strconv.Itoa(under)
		}
		out := &attachment{w: w, name: name + ".xlsx"}
		defer gcbudget.Hold(gcbudget.Export)()
		err = imports.Export(r.Context(), h.client, out, kind, under)
		if err != nil && out.started {
			// The status and part of the file are out: the client sees
			// a file cut short, the log why.
			h.log.WarnContext(r.Context(), "export cut short", "path", r.URL.Path, "err", err)
			return nil
		}
		return err
	})
}

// kindParam reads a kind of list among kinds, by its ID.
func kindParam(id string, kinds []*imports.Kind) (*imports.Kind, error) {
	var ids []string
	for _, k := range kinds {
		if k.ID == id {
			return k, nil
		}
		ids = append(ids, k.ID)
	}
	return nil, apperr.Input("kind", msgUnknownKind, id, strings.Join(ids, ", "))
}

// attachment is a response that becomes an XLSX attachment when its first
// byte is written: until then an error can still be answered as one.
type attachment struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (a *attachment) Write(p []byte) (int, error) {
	if !a.started {
		a.started = true
		hd := a.w.Header()
		hd.Set("Content-Type", contentTypes[XLSX])
		hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.name}))
		hd.Set("Cache-Control", "private, no-store")
	}
	return a.w.Write(p)
}
