package sheet

import (
	"fmt"
	"strings"

	"hoctap/internal/i18n"
)

// Problem is something wrong in a file, located as its user sees it in
// Excel: the row number (Row), the column letter (Column) and the header
// written above it (Header), the Value found, and what is wrong in both
// languages. A Warning is reported but does not stop the file being read.
// *Problem is the error this package returns for a fault of the file (a
// *HeaderError when a header has several), as opposed to one of the machine
// (a disk error, say), so a caller can tell them apart with errors.As.
type Problem struct {
	Row     int
	Column  string
	Header  string
	Value   string
	Warning bool
	Msg     i18n.Message
	Args    []any
}

// Message renders the problem in lang: where, then what.
func (p *Problem) Message(lang i18n.Lang) string {
	var where []string
	if p.Row > 0 {
		where = append(where, fmt.Sprintf(msgWhereRow.Format(lang), p.Row))
	}
	switch {
	case p.Column != "" && p.Header != "":
		where = append(where, fmt.Sprintf(msgWhereColumn.Format(lang), p.Column+" ("+p.Header+")"))
	case p.Column != "":
		where = append(where, fmt.Sprintf(msgWhereColumn.Format(lang), p.Column))
	case p.Header != "":
		where = append(where, fmt.Sprintf(msgWhereColumn.Format(lang), p.Header))
	}
	w := strings.Join(where, ", ")
	if p.Value != "" {
		if w != "" {
			w += " "
		}
		w += "«" + p.Value + "»"
	}
	msg := p.Msg.Format(lang, p.Args...)
	if w == "" {
		return msg
	}
	return w + ": " + msg
}

func (p *Problem) Error() string { return p.Message(i18n.EN) }

// at returns a copy of p located at cell c.
func (p *Problem) at(c Cell) *Problem {
	q := *p
	q.Row, q.Column, q.Header = c.Row, c.Column, c.Header
	return &q
}

// HeaderError is a sheet whose header cannot be used: none was found, or a
// required column is missing. Problems lists everything found wrong with the
// header, warnings included, for the report.
type HeaderError struct{ Problems []Problem }

func (e *HeaderError) Error() string {
	var msgs []string
	for i := range e.Problems {
		if !e.Problems[i].Warning {
			msgs = append(msgs, e.Problems[i].Message(i18n.EN))
		}
	}
	return "sheet: " + strings.Join(msgs, "; ")
}

var (
	msgWhereRow    = i18n.Message{VI: "Dòng %d", EN: "Row %d"}
	msgWhereColumn = i18n.Message{VI: "cột %s", EN: "column %s"}

	// The file.
	msgEmptyFile = i18n.Message{VI: "Tệp rỗng.", EN: "The file is empty."}
	msgOldExcel  = i18n.Message{
		VI: "Tệp Excel 97–2003 (.xls) hoặc có mật khẩu: hãy mở bằng Excel rồi lưu lại dạng .xlsx, không đặt mật khẩu.",
		EN: "An Excel 97–2003 (.xls) or password-protected file: open it in Excel and save it again as .xlsx, without a password."}
	msgBadXLSX = i18n.Message{VI: "Không mở được tệp Excel (.xlsx): %s.", EN: "The Excel (.xlsx) file cannot be opened: %s."}
	msgNoSheet = i18n.Message{VI: "Không có trang tính «%s»; tệp có: %s.", EN: "There is no sheet «%s»; the file has: %s."}
	msgNotUTF8 = i18n.Message{
		VI: "Tệp CSV không phải mã UTF-8: hãy lưu lại bằng «CSV UTF-8 (Comma delimited)».",
		EN: "The CSV file is not UTF-8: save it again as «CSV UTF-8 (Comma delimited)»."}
	msgCSVRow   = i18n.Message{VI: "Không đọc được dòng: %s.", EN: "The row cannot be read: %s."}
	msgReadOnce = i18n.Message{VI: "Tệp CSV chỉ đọc được một lần.", EN: "A CSV file can be read only once."}

	// The header.
	msgNoHeader = i18n.Message{
		VI: "Không tìm thấy dòng tiêu đề trong %d dòng đầu: cần ít nhất %d trong các cột %s.",
		EN: "No header row in the first %d rows: at least %d of the columns %s are needed."}
	msgMissing   = i18n.Message{VI: "Thiếu cột bắt buộc.", EN: "A required column is missing."}
	msgUnknown   = i18n.Message{VI: "Cột không dùng đến, bỏ qua.", EN: "Unknown column, ignored."}
	msgDuplicate = i18n.Message{VI: "Trùng với cột %s, bỏ qua.", EN: "Same as column %s; ignored."}

	// Values.
	msgEmpty = i18n.Message{VI: "Thiếu giá trị.", EN: "The value is missing."}
	msgDate  = i18n.Message{
		VI: "Không phải ngày hợp lệ; cần ngày/tháng/năm, ví dụ 31/12/1980.",
		EN: "Not a valid date; expected day/month/year, e.g. 31/12/1980."}
	msgDateYearOnly = i18n.Message{
		VI: "Chỉ có năm; cần ngày đầy đủ ngày/tháng/năm, ví dụ 31/12/%d.",
		EN: "Only a year; expected a full date day/month/year, e.g. 31/12/%d."}
	msgYearRange = i18n.Message{VI: "Năm %d nằm ngoài khoảng %d–%d.", EN: "The year %d is outside %d–%d."}
	msgYear      = i18n.Message{VI: "Không phải năm hợp lệ; cần 4 chữ số, ví dụ 1980.", EN: "Not a valid year; expected 4 digits, e.g. 1980."}
	msgInt       = i18n.Message{VI: "Không phải số nguyên; cần một số như 3.", EN: "Not a whole number; expected a number such as 3."}
	msgPhone     = i18n.Message{
		VI: "Không phải số điện thoại hợp lệ; cần 10 chữ số bắt đầu bằng 0, ví dụ 0912345678.",
		EN: "Not a valid phone number; expected 10 digits starting with 0, e.g. 0912345678."}
	msgBool = i18n.Message{
		VI: "Không rõ có hay không; ghi «x» hoặc «có» cho có, để trống hoặc ghi «không» cho không.",
		EN: "Neither yes nor no; write «x» or «có» for yes, leave empty or write «không» for no."}
)
