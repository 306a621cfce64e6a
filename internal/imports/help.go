package imports

import (
	"strings"

	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/titles"
	"hoctap/internal/units"
	"hoctap/internal/viewer"
)

// Help documents a kind for its template (WriteTemplate) and the sheet of
// instructions that goes with it.
type Help struct {
	// Rows says what a row of the kind's sheet is and how an import tells
	// which unit it is about (its identity).
	Rows i18n.Message
	// Columns documents the columns, by key; a key missing here takes the
	// help of commonHelp, if any, else its label alone.
	Columns map[string]ColumnHelp
}

// ColumnHelp documents a column: what goes in it and how it is written.
type ColumnHelp struct {
	// Desc says what goes in the column.
	Desc i18n.Message
	// Type is how its values are written.
	Type ValueType
	// Values are what the column takes, the drop-down list of a template's
	// cells (TypeChoice; TypeYesNo has YesNo).
	Values []string
	// NotRead marks a column lists often have that an import reads nothing
	// from (STT, Ghi chú): accepted, and left out of templates and exports.
	NotRead bool
}

// ValueType is how a column's values are written.
type ValueType int

// The types of values.
const (
	TypeText   ValueType = iota
	TypeCode             // a code: no spaces, kept as text
	TypePlace            // an administrative unit, by name or code
	TypePhone            // a Vietnamese phone number
	TypeCount            // a whole number ≥ 0
	TypeYear             // a year, or a date whose year is taken
	TypeDate             // a date, day first
	TypeYesNo            // a tick
	TypeChoice           // one of ColumnHelp.Values
)

// YesNo are the values a template offers for a TypeYesNo column, as
// sheet.ParseBool reads them.
var YesNo = []string{"Có", "Không"}

// typeFormats says how each type is written, for the instructions.
var typeFormats = map[ValueType]i18n.Message{
	TypeText:  {VI: "Chữ", EN: "Text"},
	TypeCode:  {VI: "Mã: tối đa %d ký tự, không có dấu cách", EN: "Code: up to %d characters, no spaces"},
	TypePlace: {VI: "Tên hoặc mã", EN: "Name or code"},
	TypePhone: {
		VI: "Số điện thoại: 10 chữ số bắt đầu bằng 0 (máy bàn 11 chữ số, 02…), ví dụ 0912345678",
		EN: "Phone number: 10 digits starting with 0 (landlines 11, 02…), e.g. 0912345678"},
	TypeCount:  {VI: "Số nguyên từ 0, ví dụ 3", EN: "Whole number from 0, e.g. 3"},
	TypeYear:   {VI: "Năm 4 chữ số (1980) hoặc ngày dd/mm/yyyy (31/12/1980)", EN: "Four-digit year (1980) or date dd/mm/yyyy (31/12/1980)"},
	TypeDate:   {VI: "Ngày dd/mm/yyyy, ví dụ 31/12/1980", EN: "Date dd/mm/yyyy, e.g. 31/12/1980"},
	TypeYesNo:  {VI: "Có hoặc Không (x là có, để trống là không)", EN: "Có (yes) or Không (no); x is yes, empty is no"},
	TypeChoice: {VI: "Một trong: %s", EN: "One of: %s"},
}

// format is how a column's values are written, in lang.
func (h ColumnHelp) format(lang i18n.Lang) string {
	m := typeFormats[h.Type]
	switch h.Type {
	case TypeCode:
		return m.Format(lang, units.MaxCode)
	case TypeChoice:
		return m.Format(lang, strings.Join(h.Values, "; "))
	}
	return m.Format(lang)
}

// choices are the values a column's drop-down list offers; nil for none.
func (h ColumnHelp) choices() []string {
	switch h.Type {
	case TypeYesNo:
		return YesNo
	case TypeChoice:
		return h.Values
	}
	return nil
}

// commonHelp documents the columns shared by the kinds of learning unit.
var commonHelp = map[string]ColumnHelp{
	colCode: {Type: TypeCode, Desc: i18n.Message{
		VI: "Mã của đơn vị trong danh sách của địa phương, không bắt buộc. Có mã thì lần nhập sau nhận ra đúng đơn vị dù tên đã đổi.",
		EN: "The unit's code in the local list, optional. With a code, a later import finds the unit even when its name changed."}},
	colProvince: {Type: TypePlace, Desc: i18n.Message{
		VI: "Tỉnh (thành phố trực thuộc trung ương), khi cần để nhận ra đơn vị.",
		EN: "The province (or centrally-run city), when needed to tell the unit."}},
	colDistrict: {Type: TypePlace, Desc: i18n.Message{
		VI: "Huyện (quận, thị xã, thành phố thuộc tỉnh), khi tên xã chưa đủ để nhận ra; nơi không còn cấp huyện thì để trống.",
		EN: "The district, when the commune's name alone is not enough; empty where districts were abolished."}},
	colCommune: {Type: TypePlace, Desc: i18n.Message{
		VI: "Xã (phường, thị trấn), để phân biệt các thôn cùng tên; cán bộ xã để trống được (là xã của mình).",
		EN: "The commune (ward, town), to tell apart villages of one name; a commune officer may leave it empty (their own)."}},
	colVillage: {Type: TypePlace, Desc: i18n.Message{
		VI: "Thôn, tổ dân phố (xóm, ấp, bản).",
		EN: "The village or residential group."}},
	colAddress: {Desc: i18n.Message{
		VI: "Địa chỉ: số nhà, ngõ, xóm. Ô trống xoá địa chỉ đã lưu.",
		EN: "The address: house number, lane, hamlet. An empty cell clears the stored address."}},
	colPhone: {Type: TypePhone, Desc: i18n.Message{
		VI: "Số điện thoại liên hệ; số mất chữ số 0 ở đầu (do Excel) được tự thêm lại. Ô trống xoá số đã lưu.",
		EN: "A contact phone number; one that lost its leading zero (in Excel) gets it back. An empty cell clears the stored number."}},
	colNumber: {NotRead: true},
	colNote:   {NotRead: true},
	// A report book's copy of refused rows says where each came from.
	colSourceRow: {NotRead: true},
}

// columnHelp is the help of a kind's column.
func (k *Kind) columnHelp(key string) ColumnHelp {
	if h, ok := k.Help.Columns[key]; ok {
		return h
	}
	return commonHelp[key]
}

// written are the columns of a kind that templates and exports write, in
// the kind's order.
func (k *Kind) written() []sheet.Column {
	var out []sheet.Column
	for _, c := range k.Columns {
		if !k.columnHelp(c.Key).NotRead {
			out = append(out, c)
		}
	}
	return out
}

// roleValues are the roles of accounts as a template offers them.
func roleValues() []string {
	out := make([]string, len(viewer.Roles))
	for i, r := range viewer.Roles {
		name := []rune(titles.RoleNames[r].VI)
		out[i] = strings.ToUpper(string(name[:1])) + string(name[1:])
	}
	return out
}

// subtypeValues are the organisation subtypes as a template offers them.
func subtypeValues() []string {
	out := make([]string, len(subtypeOrder))
	for i, s := range subtypeOrder {
		out[i] = titles.SubtypeNames[s].VI
	}
	return out
}
