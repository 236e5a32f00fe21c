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
	r.NoMethod(s.methodNotAllowed)

	r.GET("/healthz", s.healthz)
	r.StaticFS("/static", http.FS(staticdata.FS))

	// Pages and their forms: cross-origin POSTs are refused (CSRF).
	pages := r.Group("", s.crossOriginProtection())
	pages.GET("/r/:token", s.participantPage)
	pages.POST("/r/:token/cancel", limitBody(64<<10), s.participantCancel)
	pages.POST("/r/:token/feedback", limitBody(64<<10), s.participantFeedback)
	r.GET("/r/:token/qr.png", s.participantQR)
	r.GET("/r/:token/invite.ics", s.participantInvite)
	r.GET("/r/:token/feed.ics", s.participantFeed)
	r.GET("/feeds/:file", s.staffFeed)

	api := r.Group("/api/v1", limitBody(1<<20))
	api.POST("/auth/token", s.apiLogin)
	api.GET("/formats", s.apiFormats)
	api.GET("/formats/:slug", s.apiFormat)

	authed := api.Group("", s.requireUser())
	authed.DELETE("/auth/token", s.apiLogout)

	admin := authed.Group("", s.requireRole(store.RoleAdmin))
	admin.POST("/orgs", s.apiCreateOrg)
	admin.GET("/orgs", s.apiOrgs)

	hr := authed.Group("", s.requireRole(store.RoleAdmin, store.RoleHR))
	hr.POST("/users", s.apiCreateUser)
	hr.GET("/users", s.apiUsers)
	hr.POST("/departments", s.apiCreateDepartment)
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
	staff.GET("/departments", s.apiDepartments)
	staff.GET("/people", s.apiPeople)
	staff.GET("/people/:id", s.apiPerson)
}
