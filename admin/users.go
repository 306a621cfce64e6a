package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"hoctap/ent"
	"hoctap/ent/adminunit"
	"hoctap/ent/auditlog"
	"hoctap/ent/user"
	"hoctap/internal/i18n"
	"hoctap/internal/search"
	"hoctap/internal/users"
	"hoctap/internal/viewer"
)

// usersPerPage is the length of a page of the user list.
const usersPerPage = 20

// auditEntries is how many audit entries a page shows.
const auditEntries = 50

// userList is the data of the user list.
type userList struct {
	Query  url.Values
	Search string
	Role   string
	Scope  *ent.AdminUnit
	// Scopes offers the viewer's scope and the units right below it as
	// filters; any other unit is reached from a user's row.
	Scopes   []*ent.AdminUnit
	Disabled string
	Roles    []viewer.Role
	Users    []*ent.User
	Total    int
	Page     int
	Pages    int
}

// listUsers lists the accounts the viewer may see (the privacy policy
// narrows the query to their scope), searched by name without accents and
// filtered by role, scope subtree and state.
func (c *Console) listUsers(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	v := viewer.FromContext(ctx)
	qv := r.URL.Query()
	d := &userList{Query: qv, Search: qv.Get("q"), Role: qv.Get("role"), Disabled: qv.Get("disabled"), Roles: viewer.Roles, Page: 1}
	q := client.User.Query()
	if d.Search != "" {
		q.Where(search.Match(ctx, d.Search))
	}
	if viewer.Role(d.Role).Valid() {
		q.Where(user.RoleEQ(viewer.Role(d.Role)))
	} else {
		d.Role = ""
	}
	switch d.Disabled {
	case "yes":
		q.Where(user.Disabled(true))
	case "no":
		q.Where(user.Disabled(false))
	default:
		d.Disabled = ""
	}
	if id, err := strconv.Atoi(qv.Get("scope")); err == nil {
		scope, err := client.AdminUnit.Get(ctx, id)
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		if scope != nil {
			d.Scope = scope
			q.Where(func(s *sql.Selector) { s.Where(search.Prefix(s.C(user.FieldScopePath), scope.Path)) })
		}
	}
	var err error
	if d.Scopes, err = client.AdminUnit.Query().
		Where(adminunit.Or(adminunit.ID(v.ScopeID), adminunit.ParentID(v.ScopeID))).
		Order(ent.Asc(adminunit.FieldDepth), ent.Asc(adminunit.FieldCode)).
		Limit(200).All(ctx); err != nil {
		return err
	}
	if d.Total, err = q.Clone().Count(ctx); err != nil {
		return err
	}
	d.Pages = max(1, (d.Total+usersPerPage-1)/usersPerPage)
	if p, err := strconv.Atoi(qv.Get("page")); err == nil && p > 1 {
		d.Page = min(p, d.Pages)
	}
	d.Users, err = q.WithScope().
		Order(ent.Asc(user.FieldUsername)).
		Offset((d.Page - 1) * usersPerPage).Limit(usersPerPage).
		All(ctx)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "users", d)
	return nil
}

// userForm is the data of the create and edit forms.
type userForm struct {
	Form *form
	// User is the account edited; nil on the create form.
	User  *ent.User
	Roles []viewer.Role
	// Scope is the unit chosen so far; Candidates the units the scope
	// search found.
	Scope      *ent.AdminUnit
	Candidates []*ent.AdminUnit
	Searched   bool
}

// grantable lists the roles the viewer may give (users.Create checks it
// again).
func grantable(v *viewer.Viewer) []viewer.Role {
	var out []viewer.Role
	for _, r := range viewer.Roles {
		if users.MayGrant(v, r) {
			out = append(out, r)
		}
	}
	return out
}

// userFields maps the domain's field names to the form's inputs.
var userFields = map[string]string{"scopeID": "scopeID", "role": "role", "expectedVersion": "", "learningUnitID": ""}

func (c *Console) newUser(w http.ResponseWriter, r *http.Request) error {
	ctx, _ := c.read(r.Context())
	d := &userForm{Form: newForm(url.Values{"role": {string(viewer.RoleOfficer)}}), Roles: grantable(viewer.FromContext(ctx))}
	d.Form.fields = userFields
	c.render(w, r, http.StatusOK, "user_form", d)
	return nil
}

// createUser creates an account through users.Create. The form's scope
// search button posts here too: it shows the form again, with what was
// typed, and the units found.
func (c *Console) createUser(w http.ResponseWriter, r *http.Request) error {
	ctx, _ := c.read(r.Context())
	f := newForm(r.PostForm)
	f.fields = userFields
	d := &userForm{Form: f, Roles: grantable(viewer.FromContext(ctx))}
	if err := c.loadScope(ctx, d); err != nil {
		return err
	}
	if f.Get("op") == "search" {
		c.render(w, r, http.StatusOK, "user_form", d)
		return nil
	}
	scopeID, ok := f.Int("scopeID")
	if !ok {
		f.fieldError(ctx, "scopeID", "user.scopeRequired")
	}
	var created *ent.User
	if !f.Invalid() {
		err := c.write(ctx, func(ctx context.Context) error {
			var err error
			created, err = users.Create(ctx, users.CreateInput{
				Username: f.Get("username"), FullName: f.Get("fullName"), Password: r.PostForm.Get("password"),
				Role: viewer.Role(f.Get("role")), ScopeID: scopeID,
			})
			return err
		})
		if err != nil && !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
	}
	if f.Invalid() {
		c.render(w, r, http.StatusUnprocessableEntity, "user_form", d)
		return nil
	}
	c.redirect(w, r, userURL(created.ID), "flash.userCreated", created.Username)
	return nil
}

// loadScope fills the chosen scope and, when a search was typed, the units
// found, all read as the viewer.
func (c *Console) loadScope(ctx context.Context, d *userForm) error {
	client := ent.FromContext(ctx)
	if id, ok := d.Form.Int("scopeID"); ok {
		u, err := client.AdminUnit.Query().Where(adminunit.ID(id)).WithParent().Only(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		d.Scope = u
	}
	if q := d.Form.Get("scopeQuery"); q != "" {
		var err error
		d.Searched = true
		if d.Candidates, err = findUnits(ctx, client, q); err != nil {
			return err
		}
	}
	return nil
}

// unitResults bounds the scope search.
const unitResults = 15

// findUnits searches admin units by name, accents and case ignored, in the
// viewer's scope, higher levels first.
func findUnits(ctx context.Context, client *ent.Client, q string) ([]*ent.AdminUnit, error) {
	return client.AdminUnit.Query().
		Where(search.Match(ctx, q), adminunit.ValidToIsNil()).
		WithParent().
		Order(ent.Asc(adminunit.FieldDepth), ent.Asc(adminunit.FieldNameKey)).
		Limit(unitResults).All(ctx)
}

// unitOptions answers the scope picker's script with the radio buttons of
// the units matching q.
func (c *Console) unitOptions(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	f := newForm(r.URL.Query())
	d := &userForm{Form: f, Searched: true}
	var err error
	if d.Candidates, err = findUnits(ctx, client, f.Get("scopeQuery")); err != nil {
		return err
	}
	c.renderPart(w, r, "unit_options", d)
	return nil
}

func userURL(id int) string { return Prefix + "users/" + strconv.Itoa(id) }

// userPage is the data of a user's page.
type userPage struct {
	User  *ent.User
	Audit []*ent.AuditLog
	// Self is set on the viewer's own page, where the domain refuses
	// changes of role, scope and state.
	Self bool
}

// getUser reads an account as the viewer: out of scope is not found.
func getUser(ctx context.Context, client *ent.Client, r *http.Request) (*ent.User, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return client.User.Query().Where(user.ID(id)).WithScope(func(q *ent.AdminUnitQuery) { q.WithParent() }).Only(ctx)
}

// showUser shows an account and its audit trail: the entries whose target
// is the account, as far as the viewer may read them.
func (c *Console) showUser(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUser(ctx, client, r)
	if err != nil {
		return err
	}
	audit, err := client.AuditLog.Query().
		Where(auditlog.TargetID(u.ID), auditlog.TargetType("User")).
		Order(ent.Desc(auditlog.FieldAt), ent.Desc(auditlog.FieldID)).
		Limit(auditEntries).All(ctx)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "user", &userPage{User: u, Audit: audit, Self: u.ID == viewer.FromContext(ctx).UserID})
	return nil
}

func (c *Console) editUser(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUser(ctx, client, r)
	if err != nil {
		return err
	}
	f := newForm(url.Values{
		"fullName": {u.FullName}, "role": {string(u.Role)},
		"scopeID": {strconv.Itoa(u.ScopeID)}, "version": {strconv.Itoa(u.Version)},
	})
	f.fields = userFields
	d := &userForm{Form: f, User: u, Roles: grantable(viewer.FromContext(ctx)), Scope: u.Edges.Scope}
	c.render(w, r, http.StatusOK, "user_form", d)
	return nil
}

// updateUser changes an account's name, role and scope through
// users.Update, which refuses a stale version.
func (c *Console) updateUser(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUser(ctx, client, r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm)
	f.fields = userFields
	d := &userForm{Form: f, User: u, Roles: grantable(viewer.FromContext(ctx))}
	if err := c.loadScope(ctx, d); err != nil {
		return err
	}
	if f.Get("op") == "search" {
		c.render(w, r, http.StatusOK, "user_form", d)
		return nil
	}
	in := users.UpdateInput{}
	name := f.Get("fullName")
	in.FullName = &name
	if role := viewer.Role(f.Get("role")); role != u.Role {
		in.Role = &role
	}
	if id, ok := f.Int("scopeID"); ok && id != u.ScopeID {
		in.ScopeID = &id
	}
	if version, ok := f.Int("version"); ok {
		in.Version = &version
	}
	err = c.write(ctx, func(ctx context.Context) error {
		_, err := users.Update(ctx, u.ID, in)
		return err
	})
	if err != nil {
		if !f.setError(err, i18n.FromContext(ctx)) {
			return err
		}
		c.render(w, r, http.StatusUnprocessableEntity, "user_form", d)
		return nil
	}
	c.redirect(w, r, userURL(u.ID), "flash.userUpdated", u.Username)
	return nil
}

// confirmPage is the data of a confirmation page: what will happen, to
// what, and where the form posts.
type confirmPage struct {
	TitleKey, BodyKey, ButtonKey string
	Subject                      string
	Action, Back                 string
	Danger                       bool
	// Reason asks for a reason; ReasonRequired makes it mandatory.
	Reason, ReasonRequired bool
	Form                   *form
	// Hidden are inputs the form sends back as they are, such as the state
	// the user confirms.
	Hidden map[string]string
}

func (c *Console) confirmDisableUser(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUser(ctx, client, r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "confirm", &confirmPage{
		TitleKey: "user.disableTitle", BodyKey: "user.disableBody", ButtonKey: "user.disable",
		Subject: u.Username, Action: userURL(u.ID) + "/disable", Back: userURL(u.ID), Danger: true, Form: newForm(nil),
	})
	return nil
}

// disableUser disables an account; users.SetDisabled ends its sessions.
func (c *Console) disableUser(w http.ResponseWriter, r *http.Request) error {
	return c.setDisabled(w, r, true)
}

func (c *Console) enableUser(w http.ResponseWriter, r *http.Request) error {
	return c.setDisabled(w, r, false)
}

func (c *Console) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var u *ent.User
	err = c.write(r.Context(), func(ctx context.Context) error {
		u, err = users.SetDisabled(ctx, id, disabled, nil)
		return err
	})
	if err != nil {
		return err
	}
	flash := "flash.userEnabled"
	if disabled {
		flash = "flash.userDisabled"
	}
	c.redirect(w, r, userURL(id), flash, u.Username)
	return nil
}

func (c *Console) confirmResetPassword(w http.ResponseWriter, r *http.Request) error {
	ctx, client := c.read(r.Context())
	u, err := getUser(ctx, client, r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "confirm", &confirmPage{
		TitleKey: "user.resetTitle", BodyKey: "user.resetBody", ButtonKey: "user.reset",
		Subject: u.Username, Action: userURL(u.ID) + "/reset-password", Back: userURL(u.ID), Danger: true, Form: newForm(nil),
	})
	return nil
}

// tempPasswordPage shows a temporary password, once.
type tempPasswordPage struct {
	User     *ent.User
	Password string
}

// resetPassword gives the account a temporary password through
// users.ResetPassword and shows it in the answer to the POST itself, never
// after a redirect: the password is stored nowhere it could be shown again,
// and the page is not cached. Reloading asks the browser to post again,
// which would make another password, so the page says so.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := &tempPasswordPage{}
	err = c.write(r.Context(), func(ctx context.Context) error {
		d.User, d.Password, err = users.ResetPassword(ctx, id, nil)
		return err
	})
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "temp_password", d)
	return nil
}
