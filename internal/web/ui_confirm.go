package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"
)

// confirmView is the step that asks before an action with consequences:
// what will happen, then the same post again with confirmed=1. It works
// without JavaScript.
type confirmView struct {
	Lines  []string
	Action string
	Fields []hiddenField
	Button string
	Back   string
	Danger bool
}

// hiddenField is a field of the form to confirm, posted again.
type hiddenField struct{ Name, Value string }

// confirmed reports whether the post is the confirmation of its action.
func confirmed(c *gin.Context) bool { return c.PostForm("confirmed") == "1" }

// askConfirmation renders the confirmation step of the posted form: the
// same fields are posted again, with confirmed=1.
func (s *Server) askConfirmation(c *gin.Context, title string, v confirmView) error {
	p := s.userPage(c, "")
	p.Title = title
	v.Action = c.Request.URL.Path
	if v.Back == "" {
		v.Back = "/app"
	}
	_ = c.Request.ParseForm()
	form := url.Values(c.Request.PostForm)
	for _, name := range slices.Sorted(maps.Keys(form)) {
		if name == "confirmed" {
			continue
		}
		for _, val := range form[name] {
			v.Fields = append(v.Fields, hiddenField{name, val})
		}
	}
	p.Data = v
	s.render(c, http.StatusOK, "confirm", p)
	return nil
}
