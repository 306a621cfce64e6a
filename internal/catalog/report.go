package catalog

import (
	"fmt"
	"io"
	"strings"

	"hoctap/internal/i18n"
	"hoctap/internal/reorg/spec"
)

var kindNames = map[spec.Kind]i18n.Message{
	spec.Create:      {VI: "thêm mới", EN: "created"},
	spec.Rename:      {VI: "đổi tên, loại hoặc mã", EN: "renamed, retyped or recoded"},
	spec.Merge:       {VI: "sáp nhập", EN: "merges"},
	spec.Split:       {VI: "chia tách", EN: "splits"},
	spec.Move:        {VI: "chuyển nơi", EN: "moved"},
	spec.AbolishTier: {VI: "bỏ cấp huyện", EN: "tiers abolished"},
	spec.Close:       {VI: "đóng", EN: "closed"},
}

var (
	msgReady      = i18n.Message{VI: "áp dụng được", EN: "can be applied"}
	msgBlocked    = i18n.Message{VI: "KHÔNG áp dụng được (%d lỗi); không thay đổi nào của tỉnh này được đưa vào", EN: "CANNOT be applied (%d problems); none of its changes are included"}
	msgUnchanged  = i18n.Message{VI: "không có gì thay đổi", EN: "nothing changes"}
	msgNotInDB    = i18n.Message{VI: "không có trong cơ sở dữ liệu này", EN: "not in this database"}
	msgNotInCat   = i18n.Message{VI: "không có trong danh mục", EN: "not in the catalogue"}
	msgApplied    = i18n.Message{VI: "%d xã đã đúng theo danh sách sáp nhập", EN: "%d communes already as the merger list says"}
	msgWouldBe    = i18n.Message{VI: "sẽ là", EN: "would be"}
	msgError      = i18n.Message{VI: "lỗi", EN: "problem"}
	msgWarning    = i18n.Message{VI: "lưu ý", EN: "note"}
	msgFileIssues = i18n.Message{VI: "Tệp có %d lỗi: không tỉnh nào được áp dụng cho đến khi sửa xong.", EN: "The files have %d problems: no province is applied until they are fixed."}
	msgSummary    = i18n.Message{VI: "Tổng cộng: %d tỉnh áp dụng được (%d thay đổi), %d tỉnh không áp dụng được, %d tỉnh không có thay đổi, %d tỉnh không có trong cơ sở dữ liệu này.",
		EN: "In all: %d provinces can be applied (%d changes), %d cannot, %d unchanged, %d not in this database."}
)

// Counts tallies changes by kind.
func Counts(changes []spec.Change) map[spec.Kind]int {
	n := map[spec.Kind]int{}
	for _, c := range changes {
		n[c.Kind]++
	}
	return n
}

func countLine(changes []spec.Change, lang i18n.Lang) string {
	n := Counts(changes)
	var parts []string
	for _, k := range spec.Kinds {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], kindNames[k].Format(lang)))
		}
	}
	return strings.Join(parts, ", ")
}

// Print writes the report in lang: the files' problems, then each province
// the import touches with what it can apply and every problem named by
// file, row and column, then one line for each province the database does
// not hold.
func (r *Result) Print(w io.Writer, lang i18n.Lang) {
	errs := 0
	for _, is := range r.Issues {
		if !is.Warning {
			errs++
		}
	}
	if errs > 0 {
		fmt.Fprintln(w, msgFileIssues.Format(lang, errs))
	}
	for _, is := range r.Issues {
		printIssue(w, "", is, lang)
	}
	var ready, blocked, unchanged, absent, changes int
	for _, p := range r.Provinces {
		head := fmt.Sprintf("%s (%s): ", p.Name, p.Code)
		switch p.Status {
		case NotInDatabase:
			absent++
			continue
		case Ready:
			ready++
			changes += len(p.Changes)
			fmt.Fprintln(w, head+msgReady.Format(lang)+": "+countLine(p.Changes, lang)+applied(p, lang))
		case Blocked:
			blocked++
			n := 0
			for _, is := range p.Issues {
				if !is.Warning {
					n++
				}
			}
			line := head + msgBlocked.Format(lang, n)
			if len(p.Changes) > 0 {
				line += "; " + msgWouldBe.Format(lang) + ": " + countLine(p.Changes, lang)
			}
			fmt.Fprintln(w, line+applied(p, lang))
		case Unchanged:
			unchanged++
			fmt.Fprintln(w, head+msgUnchanged.Format(lang)+applied(p, lang))
		case NotInCatalogue:
			fmt.Fprintln(w, head+msgNotInCat.Format(lang))
		}
		for _, is := range p.Issues {
			printIssue(w, "  ", is, lang)
		}
	}
	for _, p := range r.Provinces {
		if p.Status == NotInDatabase {
			fmt.Fprintf(w, "%s (%s): %s\n", p.Name, p.Code, msgNotInDB.Format(lang))
		}
	}
	fmt.Fprintln(w, msgSummary.Format(lang, ready, changes, blocked, unchanged, absent))
}

// applied says how many rows of the merger list the tree already carries
// out, if any: an import run again says why it finds nothing to do.
func applied(p *Province, lang i18n.Lang) string {
	if p.Applied == 0 {
		return ""
	}
	return "; " + msgApplied.Format(lang, p.Applied)
}

func printIssue(w io.Writer, indent string, is Issue, lang i18n.Lang) {
	label := msgError
	if is.Warning {
		label = msgWarning
	}
	fmt.Fprintf(w, "%s- %s: %s\n", indent, label.Format(lang), is.Message(lang))
}
