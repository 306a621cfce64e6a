package admin

import (
	"net/http"

	"hoctap/internal/i18n"
	"hoctap/internal/middleware"
	"hoctap/internal/viewer"
)

// language makes the console Vietnamese unless the "lang" cookie of its
// switch says otherwise: officials work in Vietnamese whatever language
// their browser was installed in. (The API follows Accept-Language.)
func language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.VI
		if ck, err := r.Cookie("lang"); err == nil {
			lang = i18n.Parse(ck.Value)
		}
		next.ServeHTTP(w, r.WithContext(i18n.NewContext(r.Context(), lang)))
	})
}

// Routes registers every route of the console on mux: this table is the
// whole console. Each route passes the anti-forgery check of unsafe
// methods, then, but for signing in, a guard of the roles it admits: staff
// (ADMIN and MANAGER) for most pages, every role of the console for the
// home page and one's password, and those who import (OFFICER too) for the
// import pages. The viewer comes from Session, which the server chains
// around everything, since the exports the console links to need it too.
func (c *Console) Routes(mux *http.ServeMux) {
	open := func(h handlerFunc) http.Handler {
		return middleware.Chain(c.serve(h), language, c.csrf)
	}
	guarded := func(allowed func(viewer.Role) bool) func(handlerFunc) http.Handler {
		return func(h handlerFunc) http.Handler {
			return middleware.Chain(c.serve(h), language, c.csrf, c.guard(allowed))
		}
	}
	staff, member, importer := guarded(isStaff), guarded(mayUseConsole), guarded(mayImport)
	// upload is staff for a form that sends files, read up to
	// maxUploadBytes.
	upload := func(h handlerFunc) http.Handler {
		return middleware.Chain(c.serve(h), language, c.csrfLimit(maxUploadBytes), c.guard(isStaff))
	}
	mux.Handle("GET /admin", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	mux.Handle("GET "+staticPrefix, serveStatic())

	// Session.
	mux.Handle("GET /admin/login", open(c.showSignIn))
	mux.Handle("POST /admin/login", open(c.signIn))
	mux.Handle("POST /admin/logout", open(c.signOut))
	mux.Handle("POST /admin/lang", open(c.setLang))
	mux.Handle("GET /admin/password", member(c.showPassword))
	mux.Handle("POST /admin/password", member(c.changePassword))

	mux.Handle("GET /admin/{$}", member(c.home))
	mux.Handle("GET /admin/", member(c.notFound))

	// Users.
	mux.Handle("GET /admin/users", staff(c.listUsers))
	mux.Handle("GET /admin/users/new", staff(c.newUser))
	mux.Handle("POST /admin/users", staff(c.createUser))
	mux.Handle("GET /admin/users/{id}", staff(c.showUser))
	mux.Handle("GET /admin/users/{id}/edit", staff(c.editUser))
	mux.Handle("POST /admin/users/{id}", staff(c.updateUser))
	mux.Handle("GET /admin/users/{id}/disable", staff(c.confirmDisableUser))
	mux.Handle("POST /admin/users/{id}/disable", staff(c.disableUser))
	mux.Handle("POST /admin/users/{id}/enable", staff(c.enableUser))
	mux.Handle("GET /admin/users/{id}/reset-password", staff(c.confirmResetPassword))
	mux.Handle("POST /admin/users/{id}/reset-password", staff(c.resetPassword))

	// The scope picker's live results (progressive enhancement of the
	// user form's search button).
	mux.Handle("GET /admin/units/options", staff(c.unitOptions))

	// The administrative tree ("Địa bàn"). Moving and closing a unit
	// (kind "move" or "close") are reorganisations of one change: the form,
	// its plan, and the confirmation that applies it.
	mux.Handle("GET /admin/units", staff(c.listUnits))
	mux.Handle("GET /admin/units/{id}", staff(c.showUnit))
	mux.Handle("GET /admin/units/{id}/new", staff(c.newUnit))
	mux.Handle("POST /admin/units/{id}/children", staff(c.createUnit))
	mux.Handle("GET /admin/units/{id}/edit", staff(c.editUnit))
	mux.Handle("POST /admin/units/{id}", staff(c.updateUnit))
	mux.Handle("GET /admin/units/{id}/{kind}", staff(c.showUnitChange))
	mux.Handle("POST /admin/units/{id}/{kind}", staff(c.planUnitChange))
	mux.Handle("POST /admin/units/{id}/{kind}/confirm", staff(c.applyUnitChange))

	// Reorganisations ("Sắp xếp đơn vị hành chính", ADMIN): decisions, the
	// catalogue's upload with its report and plan, applying one.
	mux.Handle("GET /admin/reorganisations", staff(c.listReorganisations))
	mux.Handle("GET /admin/reorganisations/new", staff(c.newReorganisation))
	mux.Handle("POST /admin/reorganisations", upload(c.uploadReorganisation))
	mux.Handle("GET /admin/reorganisations/{id}", staff(c.showReorganisation))
	mux.Handle("GET /admin/reorganisations/{id}/apply", staff(c.confirmApplyReorganisation))
	mux.Handle("POST /admin/reorganisations/{id}/apply", staff(c.applyReorganisation))

	// Imports ("Nhập danh sách"): the upload, a job's page with its
	// report, its progress for the page's script, and applying it. The
	// upload is streamed to the runner, so it checks its anti-forgery
	// token itself, as it reads the form (uploadImport), rather than
	// before, which would read the whole file first.
	mux.Handle("GET /admin/imports", importer(c.listImports))
	mux.Handle("POST /admin/imports", middleware.Chain(c.serve(c.uploadImport), language, c.guard(mayImport)))
	mux.Handle("GET /admin/imports/{id}", importer(c.showImport))
	mux.Handle("GET /admin/imports/{id}/progress", importer(c.importProgress))
	mux.Handle("POST /admin/imports/{id}/apply", importer(c.applyImport))
	mux.Handle("POST /admin/imports/{id}/passwords", importer(c.importPasswords))
	mux.Handle("GET /admin/imports/{id}/report.xlsx", importer(c.importReportBook))

	// Campaigns.
	mux.Handle("GET /admin/campaigns", staff(c.listCampaigns))
	mux.Handle("GET /admin/campaigns/new", staff(c.newCampaign))
	mux.Handle("POST /admin/campaigns", staff(c.createCampaign))
	mux.Handle("GET /admin/campaigns/{id}", staff(c.showCampaign))
	mux.Handle("GET /admin/campaigns/{id}/advance", staff(c.confirmAdvance))
	mux.Handle("POST /admin/campaigns/{id}/advance", staff(c.advanceCampaign))
	mux.Handle("GET /admin/campaigns/{id}/revert", staff(c.confirmRevert))
	mux.Handle("POST /admin/campaigns/{id}/revert", staff(c.revertCampaign))
	mux.Handle("GET /admin/campaigns/{id}/targets", staff(c.showTargets))
	mux.Handle("POST /admin/campaigns/{id}/targets", staff(c.saveTargets))
	mux.Handle("GET /admin/campaigns/{id}/criteria", staff(c.listCriteria))
	mux.Handle("GET /admin/campaigns/{id}/criteria/{title}", staff(c.editCriteria))
	mux.Handle("POST /admin/campaigns/{id}/criteria/{title}", staff(c.saveCriteria))
	mux.Handle("GET /admin/campaigns/{id}/progress", staff(c.showProgress))

	// National targets: read by staff, edited by ADMIN.
	mux.Handle("GET /admin/national-targets", staff(c.listNationalTargets))
	mux.Handle("GET /admin/national-targets/{id}/edit", staff(c.editNationalTarget))
	mux.Handle("POST /admin/national-targets/{id}", staff(c.updateNationalTarget))
}
