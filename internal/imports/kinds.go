package imports

import (
	"slices"

	"hoctap/ent/adminunit"
	"hoctap/ent/learningunit"
	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/textnorm"
)

// Kind is one kind of list an import reads, one sheet of a workbook: the
// names its sheet goes by, its columns, and how its rows are written (its
// processor). The kinds of learning unit are registered here, and share
// one processor (unitKind); accounts (accounts.go) and a campaign's
// results (results.go) have processors of their own.
type Kind struct {
	// ID names the kind in Options, reports and the audit: "households".
	ID string
	// Name is the kind as the report shows it.
	Name i18n.Message
	// Sheets are the names a workbook's sheet of this kind goes by,
	// compared without accents or case; the first is the template's. Old
	// title names (Gia đình hiếu học, Dòng họ hiếu học) are among them.
	Sheets []string
	// Columns are the columns its sheet may have, with the labels people
	// write above them.
	Columns []sheet.Column
	// order is when its sheet is read: a list may refer to units an
	// earlier list creates (a member to their household).
	order int
	// unit describes a kind of learning unit; nil for other kinds.
	unit *unitKind
	// start gives a run the processor of the kind's rows, which may keep
	// what the run has seen of them (set from unit for a kind of learning
	// unit).
	start func() processor
}

// unitKind is what an import of learning units needs to know of a kind.
type unitKind struct {
	kind learningunit.Kind
	// level is where its units sit: villages for households (and their
	// members), communes for clans and organisations.
	level adminunit.Level
	// parent is the kind of unit each row names as its parent (the
	// household of a member); "" for none.
	parent learningunit.Kind
	// nameCol is the column that names a unit for its identity (the head
	// of a household, the name of the others), and tieCol the column that
	// tells apart two units of one name (see identity.go).
	nameCol, tieCol string
}

// The kinds registered, by ID.
var kinds = map[string]*Kind{}

// register adds a kind; a second kind with an ID or a sheet name already
// taken is a mistake of the code.
func register(k *Kind) *Kind {
	if _, dup := kinds[k.ID]; dup {
		panic("imports: kind " + k.ID + " registered twice")
	}
	for _, o := range kinds {
		for _, s := range k.Sheets {
			for _, t := range o.Sheets {
				if textnorm.Fold(s) == textnorm.Fold(t) {
					panic("imports: sheet name " + s + " names " + o.ID + " and " + k.ID)
				}
			}
		}
	}
	if k.start == nil {
		uk := k.unit
		k.start = func() processor { return uk }
	}
	kinds[k.ID] = k
	return k
}

// Kinds lists the kinds an import reads, in the order their sheets are
// read.
func Kinds() []*Kind {
	out := make([]*Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b *Kind) int { return a.order - b.order })
	return out
}

// KindByID returns a registered kind, nil for none.
func KindByID(id string) *Kind { return kinds[id] }

// kindOfSheet is the kind whose sheet is named name, nil for none.
func kindOfSheet(name string) *Kind {
	f := textnorm.Fold(name)
	for _, k := range kinds {
		for _, s := range k.Sheets {
			if textnorm.Fold(s) == f {
				return k
			}
		}
	}
	return nil
}

// The keys of the columns. Columns that name a place or a parent are read
// whatever the kind; the others are fields of the unit.
const (
	colCode      = "code"
	colProvince  = "province"
	colDistrict  = "district"
	colCommune   = "commune"
	colVillage   = "village"
	colName      = "name"
	colHead      = "head"
	colAddress   = "address"
	colPhone     = "phone"
	colMembers   = "members"
	colAdults    = "adults"
	colSubtype   = "subtype"
	colBirthYear = "birthYear"
	// The household a member belongs to: its code, or its head's name in
	// its village.
	colHouseholdCode = "householdCode"
	colHouseholdHead = "householdHead"
	// Columns lists often have that nothing is read from: known, so they
	// are not reported as unknown.
	colNumber   = "number"
	colNote     = "note"
	colRelation = "relation"
	colGender   = "gender"
)

// Labels of the columns shared by several kinds. The first label is the
// template's and the one messages use.
var (
	labelsProvince = []string{"Tỉnh/Thành phố", "Tỉnh", "Tỉnh/TP", "Tỉnh, thành phố", "Mã tỉnh"}
	labelsDistrict = []string{"Huyện", "Quận/Huyện", "Huyện/Quận/Thị xã/Thành phố", "Mã huyện", "Huyện, thị xã, thành phố"}
	labelsCommune  = []string{"Xã/Phường/Thị trấn", "Xã", "Xã/Phường", "Phường", "Phường/Xã", "Mã xã", "Xã, phường, thị trấn"}
	labelsVillage  = []string{"Thôn/Tổ dân phố", "Thôn", "Tổ dân phố", "Thôn/Xóm", "Thôn, xóm", "Thôn/Tổ", "Xóm", "Ấp", "Bản", "Khu dân cư", "Mã thôn", "Địa bàn"}
	labelsAddress  = []string{"Địa chỉ", "Số nhà", "Nơi ở", "Địa chỉ liên hệ"}
	labelsPhone    = []string{"Điện thoại", "Số điện thoại", "SĐT", "ĐT", "Điện thoại liên hệ", "Di động"}
	labelsNumber   = []string{"STT", "TT", "Số TT", "Số thứ tự"}
	labelsNote     = []string{"Ghi chú"}
)

// ignored are the columns read for nothing.
func ignored(extra ...sheet.Column) []sheet.Column {
	return append([]sheet.Column{
		{Key: colNumber, Labels: labelsNumber},
		{Key: colNote, Labels: labelsNote},
	}, extra...)
}

// The kinds of learning unit.
var (
	// Households carries one row per household: its village, its head, its
	// counts. Identity: its code, or its head's name in its village, told
	// apart from a namesake by the address.
	Households = register(&Kind{
		ID:     "households",
		Name:   i18n.Message{VI: "Hộ gia đình", EN: "Households"},
		Sheets: []string{"Hộ gia đình", "Hộ", "Gia đình", "Danh sách hộ", "Danh sách hộ gia đình", "Gia đình học tập", "Gia đình hiếu học"},
		Columns: append([]sheet.Column{
			{Key: colCode, Labels: []string{"Mã hộ", "Mã hộ gia đình", "Mã HGĐ", "Mã số hộ", "Mã"}},
			{Key: colDistrict, Labels: labelsDistrict},
			{Key: colCommune, Labels: labelsCommune},
			{Key: colVillage, Labels: labelsVillage, Required: true},
			{Key: colHead, Labels: []string{"Họ tên chủ hộ", "Họ và tên chủ hộ", "Chủ hộ", "Tên chủ hộ"}, Required: true},
			{Key: colName, Labels: []string{"Tên hộ"}},
			{Key: colAddress, Labels: labelsAddress},
			{Key: colPhone, Labels: labelsPhone},
			{Key: colMembers, Labels: []string{"Số nhân khẩu", "Số thành viên", "Số người", "Nhân khẩu", "Số khẩu"}},
			{Key: colAdults, Labels: []string{"Số người lớn", "Người lớn", "Số người trưởng thành"}},
		}, ignored()...),
		order: 20,
		unit:  &unitKind{kind: learningunit.KindHOUSEHOLD, level: adminunit.LevelVILLAGE, nameCol: colHead, tieCol: colAddress},
	})

	// Citizens carries the members of households, one row a person, each
	// naming their household by its code or by its head's name and
	// village. Identity: the member's code, or their name in their
	// household, told apart from a namesake by the year of birth.
	Citizens = register(&Kind{
		ID:     "citizens",
		Name:   i18n.Message{VI: "Thành viên hộ", EN: "Household members"},
		Sheets: []string{"Thành viên", "Thành viên hộ", "Nhân khẩu", "Công dân", "Công dân học tập", "Danh sách thành viên"},
		Columns: append([]sheet.Column{
			{Key: colCode, Labels: []string{"Mã công dân", "Mã thành viên", "Mã nhân khẩu", "Mã"}},
			{Key: colHouseholdCode, Labels: []string{"Mã hộ", "Mã hộ gia đình", "Mã HGĐ", "Mã số hộ"}},
			{Key: colHouseholdHead, Labels: []string{"Chủ hộ", "Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ"}},
			{Key: colDistrict, Labels: labelsDistrict},
			{Key: colCommune, Labels: labelsCommune},
			{Key: colVillage, Labels: labelsVillage},
			{Key: colName, Labels: []string{"Họ tên", "Họ và tên", "Họ tên thành viên", "Họ tên công dân", "Tên thành viên"}, Required: true},
			{Key: colBirthYear, Labels: []string{"Năm sinh", "Ngày sinh", "Ngày tháng năm sinh", "Sinh năm"}},
			{Key: colPhone, Labels: labelsPhone},
		}, ignored(
			sheet.Column{Key: colRelation, Labels: []string{"Quan hệ với chủ hộ", "Quan hệ"}},
			sheet.Column{Key: colGender, Labels: []string{"Giới tính", "Nam/Nữ"}},
		)...),
		order: 30,
		unit: &unitKind{kind: learningunit.KindCITIZEN, level: adminunit.LevelVILLAGE, parent: learningunit.KindHOUSEHOLD,
			nameCol: colName, tieCol: colBirthYear},
	})

	// Clans carries one row per clan or clan branch of a commune.
	// Identity: its code, or its name in its commune, told apart from a
	// namesake by its head.
	Clans = register(&Kind{
		ID:     "clans",
		Name:   i18n.Message{VI: "Dòng họ", EN: "Clans"},
		Sheets: []string{"Dòng họ", "Chi họ", "Danh sách dòng họ", "Dòng họ học tập", "Dòng họ hiếu học"},
		Columns: append([]sheet.Column{
			{Key: colCode, Labels: []string{"Mã dòng họ", "Mã"}},
			{Key: colDistrict, Labels: labelsDistrict},
			{Key: colCommune, Labels: labelsCommune},
			{Key: colName, Labels: []string{"Tên dòng họ", "Dòng họ", "Tên dòng họ/chi họ", "Tên chi họ", "Dòng họ/chi họ"}, Required: true},
			{Key: colHead, Labels: []string{"Trưởng họ", "Họ tên trưởng họ", "Trưởng tộc", "Người đại diện"}},
			{Key: colAddress, Labels: labelsAddress},
			{Key: colPhone, Labels: labelsPhone},
			{Key: colMembers, Labels: []string{"Số hộ", "Số hộ gia đình", "Số thành viên"}},
			{Key: colAdults, Labels: []string{"Số người lớn"}},
		}, ignored()...),
		order: 10,
		unit:  &unitKind{kind: learningunit.KindCLAN, level: adminunit.LevelCOMMUNE, nameCol: colName, tieCol: colHead},
	})

	// Organisations carries one row per agency, school, enterprise or
	// armed-forces unit of a commune, with its subtype. Identity: its code,
	// or its name in its commune, told apart from a namesake by its head.
	Organisations = register(&Kind{
		ID:     "organisations",
		Name:   i18n.Message{VI: "Cơ quan, đơn vị", EN: "Organisations"},
		Sheets: []string{"Cơ quan, đơn vị", "Đơn vị", "Cơ quan", "Cơ quan đơn vị", "Danh sách đơn vị", "Đơn vị học tập"},
		Columns: append([]sheet.Column{
			{Key: colCode, Labels: []string{"Mã đơn vị", "Mã cơ quan", "Mã"}},
			{Key: colDistrict, Labels: labelsDistrict},
			{Key: colCommune, Labels: labelsCommune},
			{Key: colName, Labels: []string{"Tên đơn vị", "Tên cơ quan", "Tên cơ quan, đơn vị", "Tên cơ quan/đơn vị", "Cơ quan, đơn vị", "Đơn vị"}, Required: true},
			{Key: colSubtype, Labels: []string{"Loại hình", "Phân loại", "Loại đơn vị", "Loại hình đơn vị", "Loại"}, Required: true},
			{Key: colHead, Labels: []string{"Thủ trưởng", "Người đứng đầu", "Thủ trưởng đơn vị", "Người đại diện"}},
			{Key: colAddress, Labels: labelsAddress},
			{Key: colPhone, Labels: labelsPhone},
			{Key: colMembers, Labels: []string{"Số cán bộ", "Số cán bộ, công chức", "Số CBCNV", "Số người lao động", "Số nhân viên", "Tổng số cán bộ"}},
			{Key: colAdults, Labels: []string{"Số người lớn"}},
		}, ignored()...),
		order: 11,
		unit:  &unitKind{kind: learningunit.KindORGANIZATION, level: adminunit.LevelCOMMUNE, nameCol: colName, tieCol: colHead},
	})
)
