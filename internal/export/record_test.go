package export_test

import (
	"mime"
	"testing"

	"hoctap/internal/export"
)

// TestAttachment: the Content-Disposition of a download names the file in
// ASCII for old clients and exactly, as filename*, for the others, and
// nothing in a name breaks out of its parameter.
func TestAttachment(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"chung-chi.jpg", `attachment; filename="chung-chi.jpg"; filename*=UTF-8''chung-chi.jpg`},
		{"Giấy chứng nhận Đạt.pdf", `attachment; filename="Giay chung nhan Dat.pdf"; filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn%20%C4%90%E1%BA%A1t.pdf`},
		{`a"; filename=evil.html;.png`, `attachment; filename="a__ filename=evil.html_.png"; filename*=UTF-8''a%22%3B%20filename%3Devil.html%3B.png`},
		{"ảnh", `attachment; filename="anh"; filename*=UTF-8''%E1%BA%A3nh`},
		{"中文.png", `attachment; filename="__.png"; filename*=UTF-8''%E4%B8%AD%E6%96%87.png`},
	} {
		got := export.Attachment(c.name)
		if got != c.want {
			t.Errorf("Attachment(%q) = %s, want %s", c.name, got, c.want)
		}
		// A client reads back the name that was meant.
		disp, params, err := mime.ParseMediaType(got)
		if err != nil || disp != "attachment" || params["filename"] != c.name {
			t.Errorf("Attachment(%q) reads back as %q %q (%v)", c.name, disp, params["filename"], err)
		}
	}
}
