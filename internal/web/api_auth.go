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
func (s *Server) apiLogin(c *gin.Context) error {
	var in loginRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var v apperr.Validation
	if strings.TrimSpace(in.Email) == "" {
		v.Add("email", "err.required")
	}
	if in.Password == "" {
		v.Add("password", "err.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	token, expires, _, err := s.svc.Auth.Login(c.Request.Context(), in.Email, in.Password, store.TokenAPI, c.ClientIP())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, tokenResponse{Token: token, ExpiresAt: tz.In(expires)})
	return nil
}

// apiLogout revokes the token the request carries.
func (s *Server) apiLogout(c *gin.Context) error {
	token := strings.TrimSpace(strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer "))
	if err := s.svc.Auth.Logout(c.Request.Context(), token); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
