package catalog

import (
	"fmt"
	"strings"

	"hoctap/internal/i18n"
)

// Issue is something the import could not take, or took with a remark: a
// row of a file (File, Row as a spreadsheet numbers it, Column, the Value
// found) or a unit of the tree (Unit), with what is wrong in both
// languages. Warnings do not stop a province from being applied; anything
// else does.
type Issue struct {
	File   string
	Row    int
	Column string
	Value  string
	// Unit names a unit of the tree the issue is about, as "Xã A (12345)".
	Unit    string
	Warning bool
	Msg     i18n.Message
	Args    []any
}

// Message renders the issue in lang: where, then what.
func (is Issue) Message(lang i18n.Lang) string {
	var where []string
	if is.File != "" {
		w := is.File
		if is.Row > 0 {
			w += fmt.Sprintf(i18n.Message{VI: ", dòng %d", EN: ", row %d"}.Format(lang), is.Row)
		}
		if is.Column != "" {
			w += fmt.Sprintf(i18n.Message{VI: ", cột «%s»", EN: ", column «%s»"}.Format(lang), is.Column)
		}
		if is.Value != "" {
			w += fmt.Sprintf(": %q", is.Value)
		}
		where = append(where, w)
	}
	if is.Unit != "" {
		where = append(where, is.Unit)
	}
	msg := is.Msg.Format(lang, is.Args...)
	if len(where) == 0 {
		return msg
	}
	return strings.Join(where, "; ") + ": " + msg
}

// Error is a file that cannot be read at all.
type Error struct{ Issue Issue }

func (e *Error) Error() string { return e.Issue.Message(i18n.EN) }
