package reorg

import (
	"fmt"
	"io"

	"hoctap/internal/i18n"
)

var (
	msgSummary = i18n.Message{
		VI: "Kế hoạch: %d đơn vị mới, %d đơn vị chuyển sang bản ghi mới, %d đơn vị giải thể hoặc sáp nhập, %d đổi tên; %d đối tượng, %d đăng ký của chiến dịch đang mở và %d tài khoản đi theo đơn vị; %d chiến dịch được tính lại.",
		EN: "Plan: %d new units, %d units moved to new rows, %d units closed or merged, %d renamed; %d learning units, %d registrations of open campaigns and %d accounts follow their units; %d campaigns recounted.",
	}
	msgWidened  = i18n.Message{VI: "  Tài khoản %s (%s): phạm vi %s → %s, RỘNG HƠN trước; chọn phạm vi khác nếu cần.", EN: "  Account %s (%s): scope %s → %s, WIDER than before; choose another scope if needed."}
	msgProblem  = i18n.Message{VI: "  Lỗi tại %s: %s", EN: "  Problem at %s: %s"}
	msgNoIssues = i18n.Message{VI: "Không có lỗi: có thể áp dụng.", EN: "No problems: it can be applied."}
)

// Print writes a summary of the impact, the accounts whose scope widens and
// every problem, in lang.
func (im *Impact) Print(w io.Writer, lang i18n.Lang) {
	n := im.Count()
	fmt.Fprintln(w, msgSummary.Format(lang, n[string(Created)], n[string(Versions)], n[string(Closed)], n[string(Renamed)],
		im.LearningUnits, im.Registrations, len(im.Users), len(im.Campaigns)))
	for _, u := range im.Users {
		if u.Widened && !u.Chosen {
			fmt.Fprintln(w, msgWidened.Format(lang, u.Username, u.Role, u.From.Name, u.To.Name))
		}
	}
	for _, p := range im.Problems {
		fmt.Fprintln(w, msgProblem.Format(lang, ProblemField(p), p.Text(lang)))
	}
	if len(im.Problems) == 0 {
		fmt.Fprintln(w, msgNoIssues.Format(lang))
	}
}
