package demo

import (
	"fmt"
	"math/rand/v2"
)

// district is a district-level unit of Thái Bình before the 2025 reform,
// with its real code, name and commune counts (DOMAIN.md).
type district struct {
	Code, Name, Type string
	Communes         int
	Wards            []string // phường, real names
	Towns            []string // thị trấn, real names
	Coastal          bool     // has the especially disadvantaged coastal communes
}

var thaiBinh = []district{
	{Code: "336", Name: "Thành phố Thái Bình", Type: "Thành phố", Communes: 19,
		Wards: []string{"Lê Hồng Phong", "Bồ Xuyên", "Đề Thám", "Kỳ Bá", "Quang Trung", "Phú Khánh", "Tiền Phong", "Trần Lãm", "Trần Hưng Đạo", "Hoàng Diệu"}},
	{Code: "338", Name: "Huyện Quỳnh Phụ", Type: "Huyện", Communes: 35, Towns: []string{"Quỳnh Côi", "An Bài"}},
	{Code: "339", Name: "Huyện Hưng Hà", Type: "Huyện", Communes: 33, Towns: []string{"Hưng Hà", "Hưng Nhân"}},
	{Code: "340", Name: "Huyện Đông Hưng", Type: "Huyện", Communes: 32, Towns: []string{"Đông Hưng"}},
	{Code: "341", Name: "Huyện Thái Thụy", Type: "Huyện", Communes: 36, Towns: []string{"Diêm Điền"}, Coastal: true},
	{Code: "342", Name: "Huyện Tiền Hải", Type: "Huyện", Communes: 28, Towns: []string{"Tiền Hải"}, Coastal: true},
	{Code: "343", Name: "Huyện Kiến Xương", Type: "Huyện", Communes: 29, Towns: []string{"Thanh Nê"}},
	{Code: "344", Name: "Huyện Vũ Thư", Type: "Huyện", Communes: 30, Towns: []string{"Vũ Thư"}},
}

// Syllables for generated commune names; the pairs read like the names of
// the Red River delta without being any real commune's.
var (
	firstSyllables  = []string{"An", "Bình", "Đông", "Hòa", "Minh", "Phú", "Tân", "Thái", "Vũ", "Quỳnh", "Hồng", "Nam", "Tây", "Thụy", "Hưng", "Đình", "Thanh", "Việt", "Quang", "Xuân", "Đồng", "Song", "Nguyên", "Hiệp", "Trà"}
	secondSyllables = []string{"Hòa", "Lạc", "Phong", "Thịnh", "Xuân", "Hà", "Sơn", "Long", "Lợi", "Tiến", "Ninh", "Hải", "Trung", "Mỹ", "Đồng", "Hưng", "Bình", "Giang", "Lĩnh", "Dũng", "Châu", "Phúc", "Thành", "Khê", "Tân"}
	familyNames     = []string{"Nguyễn", "Trần", "Phạm", "Vũ", "Bùi", "Đỗ", "Hoàng", "Lê", "Đặng", "Ngô", "Đinh", "Phan", "Lương", "Mai", "Tạ"}
	middleMale      = []string{"Văn", "Đức", "Hữu", "Quang", "Minh", "Công"}
	middleFemale    = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim"}
	givenMale       = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Tuấn", "Việt"}
	givenFemale     = []string{"Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Yến"}
	orgKinds        = []struct{ Subtype, Prefix string }{
		{"SCHOOL", "Trường Tiểu học"}, {"SCHOOL", "Trường THCS"}, {"AGENCY", "UBND"}, {"ENTERPRISE", "Hợp tác xã nông nghiệp"},
		{"SCHOOL", "Trường Mầm non"}, {"AGENCY", "Trạm Y tế"}, {"ENTERPRISE", "Công ty TNHH"}, {"ARMED_FORCES", "Ban Chỉ huy quân sự"},
		{"OTHER", "Hội Khuyến học"},
	}
)

// communeNames returns n distinct generated names.
func communeNames(r *rand.Rand, n int, taken map[string]bool) []string {
	names := make([]string, 0, n)
	for len(names) < n {
		name := firstSyllables[r.IntN(len(firstSyllables))] + " " + secondSyllables[r.IntN(len(secondSyllables))]
		if a, b := name[:len(name)/2], name[len(name)/2:]; a == b || taken[name] {
			continue
		}
		taken[name] = true
		names = append(names, name)
	}
	return names
}

// person returns a generated full name.
func person(r *rand.Rand, female bool) string {
	family := familyNames[r.IntN(len(familyNames))]
	if female {
		return fmt.Sprintf("%s %s %s", family, middleFemale[r.IntN(len(middleFemale))], givenFemale[r.IntN(len(givenFemale))])
	}
	return fmt.Sprintf("%s %s %s", family, middleMale[r.IntN(len(middleMale))], givenMale[r.IntN(len(givenMale))])
}
