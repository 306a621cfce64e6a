package titles

import (
	"hoctap/ent/adminunit"
	"hoctap/ent/campaign"
	"hoctap/ent/learningunit"
	"hoctap/ent/registration"
	"hoctap/internal/i18n"
	"hoctap/internal/viewer"
)

// The names of the programme's enums in both languages: the one table the
// console, the exports and the error messages show, so that nobody reads
// LEARNING_FAMILY or EVALUATION where Vietnamese is expected. Titles are
// proper names, written as official documents write them; the other names
// are as they read inside a sentence ("giai đoạn đăng ký"), and a label
// that starts with one capitalises it (i18n.Message.Capitalized).

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

// KindNames are the kinds of learning unit. A community is a village or
// residential group, or for the TT 25 titles the commune, district or
// province itself.
var KindNames = map[learningunit.Kind]i18n.Message{
	learningunit.KindHOUSEHOLD:    {VI: "hộ gia đình", EN: "household"},
	learningunit.KindCLAN:         {VI: "dòng họ", EN: "clan"},
	learningunit.KindORGANIZATION: {VI: "cơ quan/đơn vị", EN: "organisation"},
	learningunit.KindCITIZEN:      {VI: "công dân", EN: "citizen"},
	learningunit.KindCOMMUNITY:    {VI: "cộng đồng dân cư", EN: "community"},
}

// LevelNames are the administrative levels, as in "cấp xã" (commune level).
var LevelNames = map[adminunit.Level]i18n.Message{
	adminunit.LevelCOUNTRY:  {VI: "trung ương", EN: "national"},
	adminunit.LevelPROVINCE: {VI: "tỉnh", EN: "province"},
	adminunit.LevelDISTRICT: {VI: "huyện", EN: "district"},
	adminunit.LevelCOMMUNE:  {VI: "xã", EN: "commune"},
	adminunit.LevelVILLAGE:  {VI: "thôn", EN: "village"},
}

// PhaseNames are a campaign's phases, as in "giai đoạn đăng ký"
// (the registration phase).
var PhaseNames = map[campaign.Phase]i18n.Message{
	campaign.PhasePLANNING:     {VI: "lập kế hoạch", EN: "planning"},
	campaign.PhaseREGISTRATION: {VI: "đăng ký", EN: "registration"},
	campaign.PhaseEVALUATION:   {VI: "đánh giá", EN: "evaluation"},
	campaign.PhaseRECOGNITION:  {VI: "công nhận", EN: "recognition"},
	campaign.PhaseCLOSED:       {VI: "kết thúc", EN: "closed"},
}

// StatusNames are a registration's states, as in "đăng ký đã được công
// nhận" (the registration is recognised).
var StatusNames = map[registration.Status]i18n.Message{
	registration.StatusREGISTERED: {VI: "đã đăng ký", EN: "registered"},
	registration.StatusEVALUATED:  {VI: "đã đánh giá", EN: "evaluated"},
	registration.StatusRECOGNIZED: {VI: "đã được công nhận", EN: "recognised"},
	registration.StatusREJECTED:   {VI: "bị từ chối", EN: "rejected"},
	registration.StatusWITHDRAWN:  {VI: "đã rút", EN: "withdrawn"},
}

// RoleNames are the roles of accounts.
var RoleNames = map[viewer.Role]i18n.Message{
	viewer.RoleAdmin:        {VI: "quản trị hệ thống", EN: "administrator"},
	viewer.RoleManager:      {VI: "cán bộ quản lý", EN: "manager"},
	viewer.RoleOfficer:      {VI: "cán bộ", EN: "officer"},
	viewer.RoleCollaborator: {VI: "cộng tác viên", EN: "collaborator"},
	viewer.RoleViewer:       {VI: "người xem", EN: "viewer"},
	viewer.RoleCitizen:      {VI: "công dân", EN: "citizen"},
}

// Name returns a title's name in lang; an unknown title is shown as is.
func Name(t Title, lang i18n.Lang) string { return TitleName(t).Format(lang) }

// SubtypeName returns an organisation subtype's name in lang; "" for none,
// and an unknown subtype as is.
func SubtypeName(s string, lang i18n.Lang) string {
	return nameOf(SubtypeNames, learningunit.Subtype(s)).Format(lang)
}

// TitleName is a title's name, for a message argument.
func TitleName(t Title) i18n.Message { return nameOf(Names, t) }

// KindName is the name of a kind of learning unit, for a message argument.
func KindName(k learningunit.Kind) i18n.Message { return nameOf(KindNames, k) }

// LevelPlurals name many units of a level, as in "8 of 8 districts";
// Vietnamese does not inflect.
var LevelPlurals = map[adminunit.Level]i18n.Message{
	adminunit.LevelCOUNTRY:  {VI: "cả nước", EN: "countries"},
	adminunit.LevelPROVINCE: {VI: "tỉnh", EN: "provinces"},
	adminunit.LevelDISTRICT: {VI: "huyện", EN: "districts"},
	adminunit.LevelCOMMUNE:  {VI: "xã", EN: "communes"},
	adminunit.LevelVILLAGE:  {VI: "thôn", EN: "villages"},
}

// LevelPlural names many units of a level; "đơn vị"/"units" for none.
func LevelPlural(l adminunit.Level) i18n.Message {
	if m, ok := LevelPlurals[l]; ok {
		return m
	}
	return i18n.Message{VI: "đơn vị", EN: "units"}
}

// LevelName is the name of an administrative level, for a message argument.
func LevelName(l adminunit.Level) i18n.Message { return nameOf(LevelNames, l) }

// PhaseName is the name of a campaign phase, for a message argument.
func PhaseName(p campaign.Phase) i18n.Message { return nameOf(PhaseNames, p) }

// StatusName is the name of a registration state, for a message argument.
func StatusName(s registration.Status) i18n.Message { return nameOf(StatusNames, s) }

// RoleName is the name of a role, for a message argument.
func RoleName(r viewer.Role) i18n.Message { return nameOf(RoleNames, r) }

// nameOf looks a value up in a table of names; a value missing from it is
// shown as is rather than as nothing.
func nameOf[K ~string](names map[K]i18n.Message, k K) i18n.Message {
	if m, ok := names[k]; ok {
		return m
	}
	return i18n.Message{VI: string(k), EN: string(k)}
}
