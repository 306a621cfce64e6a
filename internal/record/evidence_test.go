package record

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"hoctap/ent/evidencefile"
)

func TestSniff(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	var p, j bytes.Buffer
	if err := png.Encode(&p, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, img, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want evidencefile.ContentType
		ok   bool
	}{
		{"PNG", p.Bytes(), evidencefile.ContentTypePNG, true},
		{"JPEG", j.Bytes(), evidencefile.ContentTypeJPEG, true},
		{"PDF", []byte("%PDF-1.7\n%âãÏÓ\n"), evidencefile.ContentTypePDF, true},
		{"HTML", []byte("<!doctype html><script>alert(1)</script>"), "", false},
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "", false},
		{"PNG signature, then a page", []byte("\x89PNG\r\n\x1a\n<html>"), "", false},
		{"JPEG marker, then a page", []byte("\xff\xd8\xff<html>"), "", false},
		{"PDF marker not at the start", []byte("<html>%PDF-1.4"), "", false},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), "", false},
		{"empty", nil, "", false},
	} {
		if got, ok := Sniff(c.data); got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestCleanName(t *testing.T) {
	for _, c := range []struct {
		in   string
		ct   evidencefile.ContentType
		want string
	}{
		{"chung-chi.jpg", evidencefile.ContentTypeJPEG, "chung-chi.jpg"},
		{"ANH.JPEG", evidencefile.ContentTypeJPEG, "ANH.JPEG"},
		{`C:\Users\mai\Desktop\giấy chứng nhận.pdf`, evidencefile.ContentTypePDF, "giấy chứng nhận.pdf"},
		{"../../etc/passwd", evidencefile.ContentTypePDF, "passwd.pdf"},
		{"trang.html", evidencefile.ContentTypePNG, "trang.html.png"},
		{"a\x00b\"c\r\n.png", evidencefile.ContentTypePNG, "abc.png"},
		{"anh\u202egpj.exe", evidencefile.ContentTypePNG, "anhgpj.exe.png"}, // a right-to-left override
		{"", evidencefile.ContentTypePDF, "minh-chung.pdf"},
		{"..", evidencefile.ContentTypePNG, "minh-chung.png"},
		{"/", evidencefile.ContentTypePNG, "minh-chung.png"},
		{strings.Repeat("ả", 300) + ".jpg", evidencefile.ContentTypeJPEG, strings.Repeat("ả", maxFileName-4) + ".jpg"},
	} {
		if got := CleanName(c.in, c.ct); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
