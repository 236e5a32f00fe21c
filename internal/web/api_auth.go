package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiLogin exchanges an email and password for a bearer token.
func (s *Server) apiLogin(c *gin.Context) {
	var in loginRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	var v apperr.Validation
	if strings.TrimSpace(in.Email) == "" {
		v.Add("email", "err.required")
	}
	if in.Password == "" {
		v.Add("password", "err.required")
	}
	if err := v.Err(); err != nil {
		s.renderError(c, err)
		return
	}
	token, expires, _, err := s.auth.Login(c.Request.Context(), in.Email, in.Password, store.TokenAPI, c.ClientIP())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, tokenResponse{Token: token, ExpiresAt: tz.In(expires)})
}

// apiLogout revokes the token the request carries.
func (s *Server) apiLogout(c *gin.Context) {
	token := strings.TrimSpace(strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer "))
	if err := s.auth.Logout(c.Request.Context(), token); err != nil {
		s.renderError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
