package titles

import (
	"hoctap/ent/learningunit"
	"hoctap/internal/i18n"
)

// Names are the titles as official documents and screens write them.
var Names = map[Title]i18n.Message{
	Family:            {VI: "Gia đình học tập", EN: "Learning family"},
	Clan:              {VI: "Dòng họ học tập", EN: "Learning clan"},
	Community:         {VI: "Cộng đồng học tập cấp thôn", EN: "Learning community (village)"},
	Unit:              {VI: "Đơn vị học tập", EN: "Learning unit"},
	Citizen:           {VI: "Công dân học tập", EN: "Learning citizen"},
	CommunityCommune:  {VI: "Cộng đồng học tập cấp xã", EN: "Learning community (commune)"},
	CommunityDistrict: {VI: "Cộng đồng học tập cấp huyện", EN: "Learning community (district)"},
	CommunityProvince: {VI: "Cộng đồng học tập cấp tỉnh", EN: "Learning community (province)"},
}

// SubtypeNames are the organisation subtypes, for which provinces may set
// separate targets.
var SubtypeNames = map[learningunit.Subtype]i18n.Message{
	learningunit.SubtypeAGENCY:       {VI: "Cơ quan", EN: "Agency"},
	learningunit.SubtypeSCHOOL:       {VI: "Trường học", EN: "School"},
	learningunit.SubtypeENTERPRISE:   {VI: "Doanh nghiệp", EN: "Enterprise"},
	learningunit.SubtypeARMED_FORCES: {VI: "Lực lượng vũ trang", EN: "Armed forces"},
	learningunit.SubtypeOTHER:        {VI: "Khác", EN: "Other"},
}

// Name returns a title's name in lang; an unknown title is shown as is.
func Name(t Title, lang i18n.Lang) string {
	if m, ok := Names[t]; ok {
		return m.Format(lang)
	}
	return string(t)
}

// SubtypeName returns an organisation subtype's name in lang; "" for none,
// and an unknown subtype as is.
func SubtypeName(s string, lang i18n.Lang) string {
	if m, ok := SubtypeNames[learningunit.Subtype(s)]; ok {
		return m.Format(lang)
	}
	return s
}
