package record

import (
	"hoctap/ent/learningactivity"
	"hoctap/internal/i18n"
)

// kindNames are the sorts of activity as a printed record names them.
var kindNames = map[learningactivity.Kind]i18n.Message{
	learningactivity.KindCOURSE:              {VI: "Khóa học", EN: "Course"},
	learningactivity.KindCLASS:               {VI: "Lớp học", EN: "Class"},
	learningactivity.KindCLUB:                {VI: "Câu lạc bộ", EN: "Club"},
	learningactivity.KindREADING:             {VI: "Đọc sách", EN: "Reading"},
	learningactivity.KindDIGITAL_SKILLS:      {VI: "Kỹ năng số", EN: "Digital skills"},
	learningactivity.KindVOCATIONAL_TRAINING: {VI: "Đào tạo nghề", EN: "Vocational training"},
	learningactivity.KindCOMMUNITY_LEARNING:  {VI: "Học tập cộng đồng", EN: "Community learning"},
}

// statusNames are the verification states as a printed record names them.
var statusNames = map[learningactivity.Status]i18n.Message{
	learningactivity.StatusPENDING:  {VI: "Chờ xác minh", EN: "Awaiting verification"},
	learningactivity.StatusVERIFIED: {VI: "Đã xác minh", EN: "Verified"},
	learningactivity.StatusREJECTED: {VI: "Không xác minh được", EN: "Not verified"},
}

// KindName names a sort of activity.
func KindName(k learningactivity.Kind) i18n.Message {
	if m, ok := kindNames[k]; ok {
		return m
	}
	return i18n.Message{VI: string(k), EN: string(k)}
}

// StatusName names a verification state.
func StatusName(s learningactivity.Status) i18n.Message {
	if m, ok := statusNames[s]; ok {
		return m
	}
	return i18n.Message{VI: string(s), EN: string(s)}
}
