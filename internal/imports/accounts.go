package imports

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/user"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/sheet"
	"hoctap/internal/textnorm"
	"hoctap/internal/titles"
	"hoctap/internal/users"
	"hoctap/internal/viewer"
)

// Accounts carries one row per account: its username, the person's name,
// its role and its scope (the lowest of the province, district, commune and
// village the row names). Identity: the username. The rules are those of
// internal/users: only an ADMIN or a MANAGER writes accounts; a MANAGER
// gives the roles below their own, in their province, and changes only
// the accounts they manage; nobody changes their own role or scope. A new
// account gets a temporary password it must change at its first sign-in,
// handed back in Apply's report (Report.Accounts) and nowhere else. An
// existing account's name, role and scope are updated as users.Update
// would; its password and state (disabled) are never touched. A CITIZEN
// account hangs on the citizen's record, which a list cannot name: the
// row of one is refused unless the account exists and stays a citizen's.
var Accounts = register(&Kind{
	ID:     "accounts",
	Name:   i18n.Message{VI: "Tài khoản", EN: "Accounts"},
	Sheets: []string{"Tài khoản", "Danh sách tài khoản", "Người dùng", "Tài khoản người dùng"},
	Columns: append([]sheet.Column{
		{Key: colUsername, Labels: []string{"Tên đăng nhập", "Tài khoản", "Tên tài khoản", "Username", "Login"}, Required: true},
		{Key: colFullName, Labels: []string{"Họ tên", "Họ và tên", "Họ tên cán bộ", "Người dùng", "Tên người dùng"}, Required: true},
		{Key: colRole, Labels: []string{"Vai trò", "Quyền", "Nhóm quyền", "Role"}, Required: true},
		{Key: colProvince, Labels: labelsProvince},
		{Key: colDistrict, Labels: labelsDistrict},
		{Key: colCommune, Labels: labelsCommune},
		{Key: colVillage, Labels: labelsVillage},
	}, ignored()...),
	Help: Help{
		Rows: i18n.Message{
			VI: "Mỗi dòng một tài khoản, nhận ra theo tên đăng nhập. Tài khoản mới nhận mật khẩu tạm thời, chỉ hiện trong kết quả nhập và phải đổi khi đăng nhập lần đầu; tài khoản đã có được cập nhật họ tên, vai trò và nơi phụ trách, không đổi mật khẩu. Chỉ quản trị viên và cán bộ quản lý tỉnh nhập tài khoản; cán bộ quản lý chỉ cho các vai trò dưới mình, trong tỉnh của mình.",
			EN: "One row per account, told by its username. A new account gets a temporary password, shown only in the import's result and to be changed at its first sign-in; an existing one has its name, role and scope updated, never its password. Only administrators and province managers import accounts; a manager gives only the roles below theirs, in their province."},
		Columns: map[string]ColumnHelp{
			colUsername: {Desc: users.MsgUsername},
			colFullName: {Desc: i18n.Message{VI: "Họ và tên người dùng.", EN: "The user's full name."}},
			colRole: {Type: TypeChoice, Values: roleValues(), Desc: i18n.Message{
				VI: "Vai trò của tài khoản, chọn trong danh sách.", EN: "The account's role, from the list."}},
			colVillage: {Type: TypePlace, Desc: i18n.Message{
				VI: "Nơi phụ trách là đơn vị thấp nhất trong các cột tỉnh, huyện, xã, thôn được ghi.",
				EN: "The scope is the lowest of the province, district, commune and village written."}},
		},
	},
	order: 40,
	start: func() processor { return &accountRun{rows: map[string]int{}} },
})

// The columns of accounts.
const (
	colUsername = "username"
	colFullName = "fullName"
	colRole     = "role"
)

// maxFullName is the longest name an account keeps (the schema's limit).
const maxFullName = 200

// hashWorkers is how many temporary passwords are hashed at once: each
// argon2id hash holds 7 MiB (auth.HashPassword) for ~20 ms of a core, so
// two at once keep an import of a province's accounts well inside the
// server's memory budget while using two cores.
const hashWorkers = 2

var (
	msgMayNotManage = i18n.Message{
		VI: "Vai trò của bạn không tạo hay sửa được tài khoản.", EN: "Your role cannot create or change accounts."}
	msgRole       = i18n.Message{VI: "Không rõ vai trò; ghi một trong: %s.", EN: "Unknown role; write one of: %s."}
	msgNotManaged = i18n.Message{
		VI: "Tài khoản %q không do bạn quản lý.", EN: "The account %q is not one you manage."}
	msgRepeatUsername = i18n.Message{VI: "Tên đăng nhập %s đã có ở dòng %d.", EN: "Username %s is already on row %d."}
	msgScopeNeeded    = i18n.Message{
		VI: "Cần ghi đơn vị phụ trách: tỉnh, huyện, xã hoặc thôn.", EN: "The scope is needed: a province, district, commune or village."}
)

// roleWords are the ways a list writes each role, folded: its code, its
// names (titles.RoleNames) and the words offices use.
var roleWords = func() map[string]viewer.Role {
	m := map[string]viewer.Role{}
	for _, r := range viewer.Roles {
		m[textnorm.Fold(string(r))] = r
		m[textnorm.Fold(titles.RoleNames[r].VI)] = r
		m[textnorm.Fold(titles.RoleNames[r].EN)] = r
	}
	for w, r := range map[string]viewer.Role{
		"quản trị": viewer.RoleAdmin, "quản trị viên": viewer.RoleAdmin, "admin": viewer.RoleAdmin,
		"quản lý": viewer.RoleManager, "cán bộ tỉnh": viewer.RoleManager,
		"cán bộ xã": viewer.RoleOfficer, "cán bộ thôn": viewer.RoleOfficer,
		"ctv": viewer.RoleCollaborator, "tình nguyện viên": viewer.RoleCollaborator,
		"xem": viewer.RoleViewer, "chỉ xem": viewer.RoleViewer,
	} {
		m[textnorm.Fold(w)] = r
	}
	return m
}()

// roleList names the roles for a message.
func roleList() i18n.Message {
	var vi, en []string
	for _, r := range viewer.Roles {
		vi = append(vi, "«"+titles.RoleNames[r].VI+"»")
		en = append(en, "«"+titles.RoleNames[r].EN+"»")
	}
	return i18n.Message{VI: strings.Join(vi, ", "), EN: strings.Join(en, ", ")}
}

// NewAccount is an account an Apply created, with the temporary password
// to hand its owner. It is in Apply's report only, and is never logged or
// audited.
type NewAccount struct {
	Row               int
	Username          string
	TemporaryPassword string
}

// account is a row of accounts.
type account struct {
	line
	username, fullName string
	role               viewer.Role // "" when unreadable
	where              placeQuery
	// Worked out: the scope, and the account the row is about (nil for a
	// new one).
	scope  *place
	stored *ent.User
}

func (a *account) action() action {
	switch {
	case a.refused():
		return actRefuse
	case a.stored == nil:
		return actCreate
	case a.stored.FullName == a.fullName && a.stored.Role == a.role && a.stored.ScopeID == a.scope.id:
		return actUnchanged
	}
	return actUpdate
}

// accountRun is the accounts' processor in one run: the usernames its rows
// took, with their rows.
type accountRun struct {
	rows map[string]int
}

func (p *accountRun) parse(rd *reader, row *sheet.Row) item {
	a := &account{line: newLine(row)}
	l := &a.line
	a.username = auth.NormalizeUsername(rd.text(l, row, colUsername, true, maxName))
	if a.username != "" && !users.ValidUsername(a.username) {
		a.fail(colUsername, users.MsgUsername)
	}
	a.fullName = rd.text(l, row, colFullName, true, maxFullName)
	if c := rd.cell(l, row, colRole); c.Empty() {
		a.errs = append(a.errs, *c.Problem(msgEmpty))
	} else if r, ok := roleWords[textnorm.Fold(c.Text)]; ok {
		a.role = r
	} else {
		a.errs = append(a.errs, *c.Problem(msgRole, roleList()))
	}
	a.where = placeQuery{
		province: rd.text(l, row, colProvince, false, maxName),
		district: rd.text(l, row, colDistrict, false, maxName),
		commune:  rd.text(l, row, colCommune, false, maxName),
		village:  rd.text(l, row, colVillage, false, maxName),
	}
	// The scope is the lowest unit named.
	for _, s := range placeSteps {
		if s.text(a.where) != "" {
			a.where.level = s.level
		}
	}
	if a.where.level == "" {
		a.fail(colCommune, msgScopeNeeded)
	}
	a.warnLegacy()
	return a
}

// resolve finds each row's scope and account (one query a chunk) and
// applies the rules of internal/users to what the row would do.
func (p *accountRun) resolve(e *engine, rd *reader, chunk []item) error {
	rows := items[*account](chunk)
	mayManage := e.v != nil && slices.Contains(users.Roles["createUser"], e.v.Role)
	var unknown []placeQuery
	var names []string
	for _, a := range rows {
		if !mayManage {
			if !a.refused() {
				a.fail("", msgMayNotManage)
			}
			continue
		}
		if a.where.level == "" {
			continue
		}
		if ans := e.places.resolve(a.where); ans.place == nil && ans.code != "" {
			unknown = append(unknown, a.where)
		}
		if a.username != "" {
			names = append(names, a.username)
		}
	}
	if err := e.places.outsideScope(e.sys, e.c, unknown); err != nil {
		return err
	}
	existing := map[string]*ent.User{}
	if len(names) > 0 {
		us, err := e.c.User.Query().Where(user.UsernameIn(names...)).All(e.sys)
		if err != nil {
			return wrap("accounts of the rows", err)
		}
		for _, u := range us {
			existing[u.Username] = u
		}
	}
	for _, a := range rows {
		if !mayManage {
			continue
		}
		if a.where.level != "" {
			if ans := e.places.resolve(a.where); ans.place != nil {
				a.scope = ans.place
			} else {
				a.fail(ans.column, ans.msg, ans.args...)
			}
		}
		if a.refused() {
			continue
		}
		if first, ok := p.rows[a.username]; ok {
			a.fail(colUsername, msgRepeatUsername, a.username, first)
			continue
		}
		p.rows[a.username] = a.row
		a.stored = existing[a.username]
		p.check(e.v, a)
	}
	return nil
}

// check refuses what users.Create or users.Update would refuse of the
// row, in their words.
func (p *accountRun) check(v *viewer.Viewer, a *account) {
	old := a.stored
	if old != nil && old.ID == v.UserID {
		// One's own name is one's own to change; nothing else of it.
		if a.role != old.Role || a.scope.id != old.ScopeID {
			a.fail(colRole, users.MsgSelf)
		}
		return
	}
	if old != nil && v.Role != viewer.RoleAdmin && (!v.InScope(old.ScopePath) || !v.Role.Above(old.Role)) {
		// users.Update would not find it; the privacy rule (rule.UserWrite)
		// would deny it.
		a.fail(colUsername, msgNotManaged, a.username)
		return
	}
	if !users.MayGrant(v, a.role) {
		a.fail(colRole, users.MsgRoleTooHigh, titles.RoleName(a.role))
		return
	}
	if a.role == viewer.RoleCitizen && (old == nil || old.Role != viewer.RoleCitizen) {
		a.fail(colRole, users.MsgCitizenRecord)
		return
	}
	if !v.Reaches(a.scope.path) {
		a.fail(scopeColumn(a.where.level), users.MsgScopeOutside)
	}
}

// scopeColumn is the column that names a scope of level.
func scopeColumn(level adminunit.Level) string {
	for _, s := range placeSteps {
		if s.level == level {
			return s.column
		}
	}
	return colCommune
}

// write creates the chunk's new accounts, with their temporary passwords
// hashed on hashWorkers cores, in one statement, and updates the changed
// ones one by one (an edited list changes few). Writes go through ent, so
// its hooks derive the scope's path, the sort and search keys.
func (p *accountRun) write(e *engine, chunk []item) error {
	var creates, updates []*account
	for _, a := range items[*account](chunk) {
		switch a.action() {
		case actCreate:
			creates = append(creates, a)
		case actUpdate:
			updates = append(updates, a)
		}
	}
	sys := systemCtx(e.ctx)
	if len(creates) > 0 {
		passwords, hashes, err := temporaryPasswords(len(creates))
		if err != nil {
			return err
		}
		builders := make([]*ent.UserCreate, len(creates))
		for i, a := range creates {
			builders[i] = e.c.User.Create().SetUsername(a.username).SetFullName(a.fullName).SetRole(a.role).
				SetScopeID(a.scope.id).SetPasswordHash(hashes[i]).SetMustChangePassword(true)
		}
		if err := e.c.User.CreateBulk(builders...).Exec(sys); err != nil {
			return wrap("create accounts", err)
		}
		for i, a := range creates {
			e.report.Accounts = append(e.report.Accounts, NewAccount{Row: a.row, Username: a.username, TemporaryPassword: passwords[i]})
			e.audited.created = append(e.audited.created, a.username)
		}
	}
	for _, a := range updates {
		// The version guards against a change made since the row was read.
		err := e.c.User.UpdateOneID(a.stored.ID).Where(user.Version(a.stored.Version)).
			SetFullName(a.fullName).SetRole(a.role).SetScopeID(a.scope.id).Exec(sys)
		if ent.IsNotFound(err) {
			return fmt.Errorf("imports: account %s changed meanwhile: %w", a.username, err)
		}
		if err != nil {
			return wrap("update account "+a.username, err)
		}
		e.audited.updated = append(e.audited.updated, a.username)
	}
	return nil
}

// temporaryPasswords makes n temporary passwords and their hashes, as
// users.ResetPassword does, hashWorkers at a time.
func temporaryPasswords(n int) (passwords, hashes []string, err error) {
	passwords, hashes = make([]string, n), make([]string, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range hashWorkers {
		wg.Go(func() {
			for i := range next {
				passwords[i] = auth.GeneratePassword(users.TemporaryPasswordLen)
				hashes[i], errs[i] = auth.HashPassword(passwords[i])
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return passwords, hashes, nil
}
