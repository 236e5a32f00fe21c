package web

import (
	"fmt"
	"strings"
	"testing"
)

// TestStaffFeedRotation: a staff feed's token is kept as a hash; replacing
// the address makes the old one answer 404 at once, and an admin can end
// anyone's feed.
func TestStaffFeedRotation(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var first feedJSON
		mustJSON(t, a.as(trainerAEmail, "GET", "/api/v1/feed", nil), &first)
		oldPath := strings.TrimPrefix(first.URL, "https://atelier.example")
		token := strings.TrimSuffix(strings.TrimPrefix(oldPath, "/feeds/"), ".ics")
		if res := a.do("GET", oldPath, "", nil); res.Code != 200 {
			t.Fatalf("feed: %d", res.Code)
		}
		// Nothing in the database is the address itself.
		db, _ := a.store.SQL()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE feed_token_hash = $1", token).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token is stored as is (%d, %v)", n, err)
		}
		var next feedJSON
		res := a.as(trainerAEmail, "POST", "/api/v1/feed/rotate", nil)
		mustJSON(t, res, &next)
		if res.Code != 201 || next.URL == "" || next.URL == first.URL {
			t.Fatalf("rotate: %d %+v", res.Code, next)
		}
		if res := a.do("GET", oldPath, "", nil); res.Code != 404 {
			t.Errorf("the old address still answers: %d", res.Code)
		}
		newPath := strings.TrimPrefix(next.URL, "https://atelier.example")
		if res := a.do("GET", newPath, "", nil); res.Code != 200 {
			t.Errorf("the new address: %d", res.Code)
		}
		// An admin ends it; HR may not.
		id := a.trainerID()
		expectError(t, a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/users/%d/feed", id), nil), 403, "forbidden")
		if res := a.as(adminEmail, "DELETE", fmt.Sprintf("/api/v1/users/%d/feed", id), nil); res.Code != 204 {
			t.Fatalf("admin revoke: %d", res.Code)
		}
		if res := a.do("GET", newPath, "", nil); res.Code != 404 {
			t.Errorf("a revoked feed still answers: %d", res.Code)
		}
		// The page offers to replace it, and shows the new address once.
		page := a.page(a.browserSession(trainerAEmail), "POST", "/app/feed/rotate", nil)
		if page.Code != 200 || !strings.Contains(page.Body.String(), "/feeds/") {
			t.Errorf("rotate from the page: %d", page.Code)
		}
	})
}
