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
				{Code: "TC2", Group: "Kết quả học tập", MaxPoints: 40, Text: "Học ít nhất một nội dung mỗi năm (chuyên môn, kỹ năng, ngoại ngữ, tin học, kỹ năng số)."},
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
