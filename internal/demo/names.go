package demo

import (
	"fmt"
	"math/rand/v2"
)

// coastal are Thái Bình's coastal districts (Thái Thụy, Tiền Hải), where
// the demo marks communes especially disadvantaged (see load).
var coastal = map[string]bool{"341": true, "342": true}

// Names for generated people, clans and organisations.
var (
	familyNames  = []string{"Nguyễn", "Trần", "Phạm", "Vũ", "Bùi", "Đỗ", "Hoàng", "Lê", "Đặng", "Ngô", "Đinh", "Phan", "Lương", "Mai", "Tạ"}
	middleMale   = []string{"Văn", "Đức", "Hữu", "Quang", "Minh", "Công"}
	middleFemale = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim"}
	givenMale    = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Tuấn", "Việt"}
	givenFemale  = []string{"Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Yến"}
	orgKinds     = []struct{ Subtype, Prefix string }{
		{"SCHOOL", "Trường Tiểu học"}, {"SCHOOL", "Trường THCS"}, {"AGENCY", "UBND"}, {"ENTERPRISE", "Hợp tác xã nông nghiệp"},
		{"SCHOOL", "Trường Mầm non"}, {"AGENCY", "Trạm Y tế"}, {"ENTERPRISE", "Công ty TNHH"}, {"ARMED_FORCES", "Ban Chỉ huy quân sự"},
		{"OTHER", "Hội Khuyến học"},
	}
)

// person returns a generated full name.
func person(r *rand.Rand, female bool) string {
	family := familyNames[r.IntN(len(familyNames))]
	if female {
		return fmt.Sprintf("%s %s %s", family, middleFemale[r.IntN(len(middleFemale))], givenFemale[r.IntN(len(givenFemale))])
	}
	return fmt.Sprintf("%s %s %s", family, middleMale[r.IntN(len(middleMale))], givenMale[r.IntN(len(givenMale))])
}
