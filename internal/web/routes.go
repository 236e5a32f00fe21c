package web

import (
	"net/http"

	"github.com/atelier-ch/atelier/internal/store"
	staticdata "github.com/atelier-ch/atelier/static"
)

// routes lists every route of the application.
func (s *Server) routes() {
	r := s.router
	r.Use(s.recoverPanics(), s.logRequests(), securityHeaders())
	r.NoRoute(s.notFound)

	r.GET("/healthz", s.healthz)
	r.StaticFS("/static", http.FS(staticdata.FS))

	// Pages and their forms: cross-origin POSTs are refused (CSRF).
	pages := r.Group("", s.crossOriginProtection())
	pages.GET("/r/:token", s.participantPage)
	pages.POST("/r/:token/cancel", limitBody(64<<10), s.participantCancel)
	pages.POST("/r/:token/feedback", limitBody(64<<10), s.participantFeedback)
	pages.GET("/", s.home)
	pages.GET("/login", s.loginPage)
	pages.POST("/login", limitBody(64<<10), s.login)
	pages.POST("/logout", s.logout)

	app := pages.Group("/app", limitBody(6<<20))
	everyone := app.Group("", s.requirePage(store.RoleAdmin, store.RoleHR, store.RoleTrainer))
	everyone.GET("", s.dashboard)
	everyone.GET("/catalog", s.catalogPage)
	everyone.GET("/catalog/:slug", s.formatPage)
	everyone.GET("/sessions/:id/day", s.dayPage)
	everyone.POST("/sessions/:id/checkin", s.checkinForm)
	everyone.POST("/sessions/:id/walkin", s.walkInForm)
	everyone.POST("/registrations/:id/attendance", s.markForm)

	hrPages := app.Group("", s.requirePage(store.RoleAdmin, store.RoleHR))
	hrPages.GET("/sessions", s.sessionsPage)
	hrPages.GET("/sessions/new", s.newSessionPage)
	hrPages.POST("/sessions", s.createSessionForm)
	hrPages.GET("/sessions/:id", s.sessionPage)
	hrPages.POST("/sessions/:id/book", s.bookForm)
	hrPages.POST("/sessions/:id/edit", s.editSessionForm)
	hrPages.POST("/sessions/:id/cancel", s.cancelSessionForm)
	hrPages.POST("/registrations/:id/cancel", s.cancelRegistrationForm)
	hrPages.GET("/people", s.peoplePage)
	hrPages.GET("/people/new", s.newPersonPage)
	hrPages.POST("/people", s.createPersonForm)
	hrPages.POST("/people/import", s.importPeopleForm)
	hrPages.GET("/people/:id/edit", s.editPersonPage)
	hrPages.POST("/people/:id", s.updatePersonForm)
	hrPages.POST("/people/:id/erase", s.erasePersonForm)
	hrPages.GET("/departments", s.departmentsPage)
	hrPages.POST("/departments", s.createDepartmentForm)
	hrPages.POST("/departments/:id", s.renameDepartmentForm)
	hrPages.GET("/reports", s.reportsPage)

	adminPages := app.Group("/admin", s.requirePage(store.RoleAdmin))
	adminPages.GET("", s.adminPage)
	adminPages.POST("/orgs", s.createOrgForm)
	adminPages.POST("/users", s.createUserForm)
	adminPages.POST("/users/:id/role", s.setRoleForm)

	r.GET("/r/:token/qr.png", s.participantQR)
	r.GET("/r/:token/certificate.pdf", s.participantCertificate)
	r.GET("/r/:token/invite.ics", s.participantInvite)
	r.GET("/r/:token/feed.ics", s.participantFeed)
	r.GET("/feeds/:file", s.staffFeed)

	api := r.Group("/api/v1", limitBody(1<<20))
	api.POST("/auth/token", s.apiLogin)
	api.GET("/formats", s.apiFormats)
	api.GET("/formats/:slug", s.apiFormat)
	api.GET("/formats/:slug/sheets.pdf", s.apiFormatSheets)

	authed := api.Group("", s.requireUser())
	authed.DELETE("/auth/token", s.apiLogout)

	admin := authed.Group("", s.requireRole(store.RoleAdmin))
	admin.POST("/orgs", s.apiCreateOrg)
	admin.GET("/orgs", s.apiOrgs)
	admin.PATCH("/users/:id", s.apiSetUserRole)

	hr := authed.Group("", s.requireRole(store.RoleAdmin, store.RoleHR))
	hr.POST("/users", s.apiCreateUser)
	hr.GET("/users", s.apiUsers)
	hr.POST("/departments", s.apiCreateDepartment)
	hr.PATCH("/departments/:id", s.apiRenameDepartment)
	hr.POST("/people", s.apiCreatePerson)
	hr.PATCH("/people/:id", s.apiUpdatePerson)

	hr.POST("/sessions", s.apiCreateSession)
	hr.PATCH("/sessions/:id", s.apiUpdateSession)
	hr.POST("/sessions/:id/cancel", s.apiCancelSession)
	hr.POST("/sessions/:id/registrations", s.apiBook)
	hr.GET("/sessions/:id/history", s.apiSessionHistory)
	hr.DELETE("/registrations/:id", s.apiCancelRegistration)
	hr.GET("/outbox", s.apiOutbox)
	hr.GET("/reports/attendance.csv", s.apiAttendanceCSV)
	hr.GET("/reports/campaign", s.apiCampaign)
	hr.GET("/reports/campaign.pdf", s.apiCampaignPDF)
	hr.GET("/people/:id/export", s.apiExportPerson)
	hr.DELETE("/people/:id", s.apiErasePerson)

	staff := authed.Group("", s.requireRole(store.RoleAdmin, store.RoleHR, store.RoleTrainer))
	staff.GET("/feed", s.apiFeed)
	staff.PUT("/registrations/:id/attendance", s.apiMarkAttendance)
	staff.POST("/sessions/:id/checkin", s.apiCheckIn)
	staff.POST("/sessions/:id/walkins", s.apiWalkIn)
	staff.GET("/sessions", s.apiSessions)
	staff.GET("/sessions/:id", s.apiSession)
	staff.GET("/sessions/:id/registrations", s.apiRegistrations)
	staff.GET("/sessions/:id/sheets.pdf", s.apiSessionSheets)
	staff.GET("/sessions/:id/signin-sheet.pdf", s.apiSignInSheet)
	staff.GET("/sessions/:id/programme.pdf", s.apiProgramme)
	staff.GET("/sessions/:id/certificates.pdf", s.apiCertificates)
	staff.GET("/departments", s.apiDepartments)
	staff.GET("/people", s.apiPeople)
	staff.GET("/people/:id", s.apiPerson)
}
