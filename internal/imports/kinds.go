package imports

import (
	"regexp"
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
	// Help documents the kind and its columns for its template.
	Help Help
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

// continuation is the suffix of a sheet that goes on with a list, as
// Excel names a sheet's copy: «Thành viên (2)».
var continuation = regexp.MustCompile(`\s*\(\d+\)$`)

// kindOfSheet is the kind whose sheet is named name, or continues one
// (continuation); nil for none.
func kindOfSheet(name string) *Kind {
	f := textnorm.Fold(continuation.ReplaceAllString(name, ""))
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
	// The row of the file a report book's copy of a refused row came
	// from (WriteReportBook).
	colSourceRow = "sourceRow"
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
		{Key: colSourceRow, Labels: []string{labelSourceRow}},
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
		Help: Help{
			Rows: i18n.Message{
				VI: "Mỗi dòng một hộ gia đình. Dòng được nhận ra theo mã hộ; không có mã thì theo họ tên chủ hộ trong thôn, hai hộ có chủ hộ cùng tên phân biệt bằng địa chỉ.",
				EN: "One row per household. A row is told by the household's code; without one, by its head's name in the village, two heads of one name told apart by the address."},
			Columns: map[string]ColumnHelp{
				colHead: {Desc: i18n.Message{
					VI: "Họ và tên chủ hộ; hộ mang tên «Hộ» và tên chủ hộ.",
					EN: "The head of household's full name; the household is named «Hộ» and that name."}},
				colName: {Desc: i18n.Message{
					VI: "Tên hộ, chỉ khi khác «Hộ» và tên chủ hộ; thường để trống.",
					EN: "The household's name, only when it is not «Hộ» and its head's name; usually empty."}},
				colMembers: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số nhân khẩu của hộ. Ô trống giữ số đã lưu.", EN: "How many people the household has. An empty cell keeps the stored count."}},
				colAdults: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số người từ 18 tuổi, không quá số nhân khẩu. Ô trống giữ số đã lưu.",
					EN: "How many are 18 or older, at most the number of people. An empty cell keeps the stored count."}},
			},
		},
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
		Help: Help{
			Rows: i18n.Message{
				VI: "Mỗi dòng một thành viên của hộ, ghi hộ của mình bằng mã hộ, hoặc bằng họ tên chủ hộ và thôn. Dòng được nhận ra theo mã; không có mã thì theo họ tên trong hộ, người trùng tên phân biệt bằng năm sinh. Trang này được đọc sau trang hộ gia đình: thành viên của hộ mới trong cùng tệp được nhận.",
				EN: "One row per household member, naming their household by its code, or by its head's name and village. A row is told by its code; without one, by the name in the household, namesakes told apart by the year of birth. This sheet is read after the households' sheet: members of a household new in the same file are taken."},
			Columns: map[string]ColumnHelp{
				colCode: {Type: TypeCode, Desc: i18n.Message{
					VI: "Mã của thành viên, không bắt buộc.", EN: "The member's code, optional."}},
				colHouseholdCode: {Type: TypeCode, Desc: i18n.Message{
					VI: "Mã hộ của thành viên, như ở trang hộ gia đình. Không có mã hộ thì ghi họ tên chủ hộ và thôn.",
					EN: "The member's household's code, as on the households' sheet. Without one, write the head's name and the village."}},
				colHouseholdHead: {Desc: i18n.Message{
					VI: "Họ tên chủ hộ của thành viên: cần khi không ghi mã hộ (cùng với thôn).",
					EN: "The name of the member's head of household: needed when there is no household code (with the village)."}},
				colVillage: {Type: TypePlace, Desc: i18n.Message{
					VI: "Thôn, tổ dân phố của hộ; cần khi hộ được ghi bằng họ tên chủ hộ.",
					EN: "The household's village; needed when the household is named by its head."}},
				colName: {Desc: i18n.Message{VI: "Họ và tên thành viên.", EN: "The member's full name."}},
				colBirthYear: {Type: TypeYear, Desc: i18n.Message{
					VI: "Năm sinh, hoặc ngày sinh; người từ 18 tuổi (hoặc không rõ năm sinh) được tính là người lớn.",
					EN: "The year of birth, or the date; members of 18 or more (or of unknown age) count as adults."}},
				colRelation: {NotRead: true},
				colGender:   {NotRead: true},
			},
		},
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
		Help: Help{
			Rows: i18n.Message{
				VI: "Mỗi dòng một dòng họ hoặc chi họ của xã. Dòng được nhận ra theo mã; không có mã thì theo tên trong xã, hai dòng họ cùng tên phân biệt bằng trưởng họ.",
				EN: "One row per clan or clan branch of a commune. A row is told by its code; without one, by its name in the commune, two of one name told apart by their heads."},
			Columns: map[string]ColumnHelp{
				colName: {Desc: i18n.Message{VI: "Tên dòng họ hoặc chi họ.", EN: "The clan's or branch's name."}},
				colHead: {Desc: i18n.Message{
					VI: "Họ tên trưởng họ; phân biệt hai dòng họ cùng tên.", EN: "The clan head's name; tells apart two clans of one name."}},
				colMembers: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số hộ của dòng họ. Ô trống giữ số đã lưu.", EN: "How many households the clan has. An empty cell keeps the stored count."}},
				colAdults: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số người lớn. Ô trống giữ số đã lưu.", EN: "How many adults. An empty cell keeps the stored count."}},
			},
		},
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
		Help: Help{
			Rows: i18n.Message{
				VI: "Mỗi dòng một cơ quan, trường học, doanh nghiệp hay đơn vị lực lượng vũ trang của xã. Dòng được nhận ra theo mã; không có mã thì theo tên trong xã, hai đơn vị cùng tên phân biệt bằng thủ trưởng.",
				EN: "One row per agency, school, enterprise or armed-forces unit of a commune. A row is told by its code; without one, by its name in the commune, two of one name told apart by their heads."},
			Columns: map[string]ColumnHelp{
				colName: {Desc: i18n.Message{VI: "Tên cơ quan, đơn vị.", EN: "The organisation's name."}},
				colSubtype: {Type: TypeChoice, Values: subtypeValues(), Desc: i18n.Message{
					VI: "Loại hình đơn vị, chọn trong danh sách (cách viết thường gặp như «Trường THCS», «Công ty TNHH», «UBND» cũng được).",
					EN: "The kind of organisation, from the list (common spellings such as «Trường THCS», «Công ty TNHH», «UBND» are read too)."}},
				colHead: {Desc: i18n.Message{
					VI: "Họ tên thủ trưởng; phân biệt hai đơn vị cùng tên.", EN: "The head's name; tells apart two organisations of one name."}},
				colMembers: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số cán bộ, người lao động. Ô trống giữ số đã lưu.", EN: "How many staff. An empty cell keeps the stored count."}},
				colAdults: {Type: TypeCount, Desc: i18n.Message{
					VI: "Số người lớn; khi tạo mới mà để trống thì bằng số cán bộ.", EN: "How many adults; empty on a new organisation, its staff count."}},
			},
		},
		order: 11,
		unit:  &unitKind{kind: learningunit.KindORGANIZATION, level: adminunit.LevelCOMMUNE, nameCol: colName, tieCol: colHead},
	})
)
