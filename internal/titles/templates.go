package titles

import "hoctap/internal/criteria"

// Template is a built-in criteria set, marked as a template to adapt.
type Template struct {
	Name     string
	Criteria []criteria.Criterion
	Rule     criteria.Rule
}

// Templates returns the built-in criteria of a title. The learning-family set
// follows HKHVN's 2016–2020 framework (QĐ 448/QĐ-KHVN): two criteria of 30
// points and two whose points provinces choose (20 + 20 here), passed at 80
// with no criterion below half. The TT 25/2023 sets score the community
// titles for level 1 and level 2.
func Templates(t Title) Template {
	switch t {
	case Family:
		return Template{
			Name: "Mẫu: Gia đình học tập (khung HKHVN 2016–2020, QĐ 448/QĐ-KHVN)",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Học tập của trẻ em", MaxPoints: 30, Text: "Trẻ em trong độ tuổi đi học đều được đến trường, hoàn thành phổ cập giáo dục bắt buộc; có kết quả học tập và rèn luyện tốt; lễ phép, tham gia sinh hoạt cộng đồng."},
				{Code: "TC2", Group: "Học tập của người lớn", MaxPoints: 30, Text: "Người lớn từ 19 đến 60 tuổi biết chữ; mỗi người lớn học ít nhất một nội dung mỗi năm để nâng cao hiểu biết, kỹ năng."},
				{Code: "TC3", Group: "Điều kiện học tập", MaxPoints: 20, Text: "Gia đình có quỹ khuyến học hoặc hỗ trợ học tập, có sách báo, góc học tập, phương tiện nghe nhìn, máy tính hoặc internet."},
				{Code: "TC4", Group: "Hiệu quả học tập", MaxPoints: 20, Text: "Học tập giúp kinh tế gia đình ổn định, đời sống văn hóa tốt, đạt danh hiệu Gia đình văn hóa."},
			},
			Rule: criteria.Rule{PassPoints: 80, MinShare: 0.5},
		}
	case Clan:
		return Template{
			Name: "Mẫu: Dòng họ học tập (khung HKHVN)",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Tổ chức", MaxPoints: 25, Text: "Có ban khuyến học dòng họ, quy ước và kế hoạch học tập của dòng họ."},
				{Code: "TC2", Group: "Học tập", MaxPoints: 35, Text: "Ít nhất 70% hộ trong dòng họ đạt Gia đình học tập; con cháu trong độ tuổi đi học đều đến trường."},
				{Code: "TC3", Group: "Điều kiện", MaxPoints: 20, Text: "Có quỹ khuyến học, khuyến tài của dòng họ; tổ chức khen thưởng hằng năm."},
				{Code: "TC4", Group: "Hiệu quả", MaxPoints: 20, Text: "Dòng họ đoàn kết, không có người vi phạm pháp luật, tệ nạn xã hội."},
			},
			Rule: criteria.Rule{PassPoints: 80, MinShare: 0.5},
		}
	case Community:
		return Template{
			Name: "Mẫu: Cộng đồng học tập cấp thôn (khung HKHVN)",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Lãnh đạo, tổ chức", MaxPoints: 20, Text: "Chi bộ, ban phát triển thôn có nghị quyết, kế hoạch xây dựng cộng đồng học tập."},
				{Code: "TC2", Group: "Học tập", MaxPoints: 40, Text: "Tỷ lệ hộ đạt Gia đình học tập, dòng họ đạt Dòng họ học tập theo chỉ tiêu của xã; người lớn tham gia học tập thường xuyên."},
				{Code: "TC3", Group: "Điều kiện", MaxPoints: 20, Text: "Có nhà văn hóa, tủ sách hoặc điểm đọc; có quỹ khuyến học của thôn."},
				{Code: "TC4", Group: "Hiệu quả", MaxPoints: 20, Text: "Đạt danh hiệu khu dân cư văn hóa; an ninh trật tự bảo đảm."},
			},
			Rule: criteria.Rule{PassPoints: 80, MinShare: 0.5},
		}
	case Unit:
		return Template{
			Name: "Mẫu: Đơn vị học tập (khung HKHVN)",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Lãnh đạo, chỉ đạo", MaxPoints: 25, Text: "Có kế hoạch học tập, bồi dưỡng hằng năm cho cán bộ, người lao động."},
				{Code: "TC2", Group: "Học tập", MaxPoints: 35, Text: "Ít nhất 60% cán bộ, người lao động đạt Công dân học tập; mỗi người học ít nhất một nội dung mỗi năm."},
				{Code: "TC3", Group: "Điều kiện", MaxPoints: 20, Text: "Có tủ sách, phương tiện học tập; dành kinh phí cho học tập."},
				{Code: "TC4", Group: "Hiệu quả", MaxPoints: 20, Text: "Hoàn thành tốt nhiệm vụ; không có người vi phạm pháp luật."},
			},
			Rule: criteria.Rule{PassPoints: 80, MinShare: 0.5},
		}
	case Citizen:
		return Template{
			Name: "Mẫu: Công dân học tập (QĐ 677/QĐ-TTg)",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Ý thức học tập", MaxPoints: 30, Required: true, Text: "Có kế hoạch học tập hằng năm và thực hiện được kế hoạch."},
				{Code: "TC2", Group: "Kết quả học tập", MaxPoints: 40, Text: "Học ít nhất một nội dung mỗi năm (chuyên môn, kỹ năng, ngoại ngữ, tin học, kỹ năng số).",
					// "A verified activity counts": points here need one in the record.
					Record: &criteria.RecordRule{MinActivities: 1}},
				{Code: "TC3", Group: "Vận dụng", MaxPoints: 30, Text: "Vận dụng kiến thức vào công việc, đời sống; tham gia hoạt động khuyến học."},
			},
			Rule: criteria.Rule{PassPoints: 70, MinShare: 0.5},
		}
	default: // the TT 25/2023 community titles
		return Template{
			Name: "Mẫu: Thông tư 25/2023/TT-BGDĐT, mức độ 1 và 2",
			Criteria: []criteria.Criterion{
				{Code: "TC1", Group: "Lãnh đạo, chỉ đạo", MaxPoints: 20, Required: true, Text: "Cấp ủy, chính quyền ban hành văn bản lãnh đạo, chỉ đạo xây dựng xã hội học tập; có ban chỉ đạo hoạt động hiệu quả."},
				{Code: "TC2", Group: "Điều kiện", MaxPoints: 20, Text: "Có mạng lưới cơ sở giáo dục, thiết chế văn hóa, thư viện, trung tâm học tập cộng đồng đáp ứng nhu cầu học tập."},
				{Code: "TC3", Group: "Kết quả", MaxPoints: 40, Text: "Đạt các tỷ lệ Gia đình học tập, Dòng họ học tập, Cộng đồng học tập, Đơn vị học tập, Công dân học tập theo chỉ tiêu; phổ cập giáo dục, xóa mù chữ."},
				{Code: "TC4", Group: "Tác động", MaxPoints: 20, Text: "Học tập góp phần phát triển kinh tế - xã hội, giảm nghèo, bảo đảm an ninh trật tự."},
			},
			Rule: criteria.Rule{PassPoints: 60, MinShare: 0.5, Levels: []float64{60, 80}},
		}
	}
}

// TT25From is the first campaign year whose community titles follow
// Thông tư 25/2023 (levels 1 and 2, held 3 years, for communes, districts
// and provinces). Before it Thông tư 44/2014, repealed on 12/02/2024,
// graded communes only, passed or failed each December.
const TT25From = 2024

// TemplateFor returns the built-in criteria of a title for a campaign of
// year: the TT 44/2014 set for a commune's community before TT25From, and
// ok false for the district and province communities then, which no rule
// of that time recognised.
func TemplateFor(t Title, year int) (tpl Template, ok bool) {
	if year < TT25From {
		switch t {
		case CommunityCommune:
			return template44, true
		case CommunityDistrict, CommunityProvince:
			return Template{}, false
		}
	}
	return Templates(t), true
}

// template44 is the commune learning community of Thông tư 44/2014/TT-BGDĐT:
// its 15 criteria (DOMAIN.md), points-based with evidence. The points and
// the pass mark (70 of 100, no criterion below half) are a template to
// adapt, like the HKHVN ones; pass or fail, no level.
var template44 = Template{
	Name: "Mẫu: Cộng đồng học tập cấp xã (Thông tư 44/2014/TT-BGDĐT)",
	Criteria: []criteria.Criterion{
		{Code: "TC1", Group: "Lãnh đạo, chỉ đạo", MaxPoints: 8, Text: "Cấp ủy, chính quyền xã ban hành nghị quyết, kế hoạch xây dựng cộng đồng học tập."},
		{Code: "TC2", Group: "Lãnh đạo, chỉ đạo", MaxPoints: 6, Text: "Ban chỉ đạo xây dựng xã hội học tập của xã được kiện toàn và hoạt động hiệu quả."},
		{Code: "TC3", Group: "Lãnh đạo, chỉ đạo", MaxPoints: 6, Text: "Các ban, ngành, đoàn thể phối hợp tổ chức các hoạt động học tập."},
		{Code: "TC4", Group: "Điều kiện", MaxPoints: 8, Text: "Trường học, trung tâm học tập cộng đồng, thiết chế văn hóa, thư viện đáp ứng nhu cầu học tập."},
		{Code: "TC5", Group: "Kết quả giáo dục", MaxPoints: 8, Text: "Đạt chuẩn phổ cập giáo dục, xóa mù chữ."},
		{Code: "TC6", Group: "Kết quả giáo dục", MaxPoints: 6, Text: "Bảo đảm công bằng về cơ hội học tập cho mọi người."},
		{Code: "TC7", Group: "Học tập thường xuyên", MaxPoints: 7, Text: "Cán bộ, công chức xã học tập nâng cao trình độ, đạt chuẩn theo quy định."},
		{Code: "TC8", Group: "Học tập thường xuyên", MaxPoints: 7, Text: "Người lao động được học tập thường xuyên, bồi dưỡng kiến thức, kỹ năng."},
		{Code: "TC9", Group: "Danh hiệu học tập", MaxPoints: 8, Text: "Tỷ lệ Gia đình học tập đạt chỉ tiêu."},
		{Code: "TC10", Group: "Danh hiệu học tập", MaxPoints: 8, Text: "Tỷ lệ thôn, tổ dân phố đạt Cộng đồng học tập đạt chỉ tiêu."},
		{Code: "TC11", Group: "Tác động", MaxPoints: 6, Text: "Tỷ lệ khu dân cư văn hóa đạt chỉ tiêu."},
		{Code: "TC12", Group: "Tác động", MaxPoints: 6, Text: "Giảm tỷ lệ hộ nghèo theo kế hoạch."},
		{Code: "TC13", Group: "Tác động", MaxPoints: 5, Text: "Bảo đảm bình đẳng giới."},
		{Code: "TC14", Group: "Tác động", MaxPoints: 5, Text: "Vệ sinh môi trường được bảo đảm."},
		{Code: "TC15", Group: "Tác động", MaxPoints: 6, Text: "Chăm sóc sức khỏe, an ninh trật tự được bảo đảm."},
	},
	Rule: criteria.Rule{PassPoints: 70, MinShare: 0.5},
}
