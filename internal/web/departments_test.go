package web

import (
	"fmt"
	"strings"
	"testing"
)

// TestDeleteAndMergeDepartments: an empty service is removed; one with
// people is a 409 saying how many; merging moves the people and removes
// the service, in one step.
func TestDeleteAndMergeDepartments(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		dep := func(name string) int64 {
			var d departmentJSON
			mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": name}), &d)
			return d.ID
		}
		empty, finance, finances := dep("Vide"), dep("Finance"), dep("Finances")
		ids := a.addPeople(a.orgA, 3, "staff", &finance)
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/departments/%d", empty), nil); res.Code != 204 {
			t.Errorf("delete empty: %d %s", res.Code, res.Body)
		}
		e := expectError(t, a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/departments/%d", finance), nil), 409, "conflict")
		if !strings.Contains(e.Error.Message, "3 personne") {
			t.Errorf("the refusal should say how many: %q", e.Error.Message)
		}
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/departments/%d/merge", finance), map[string]int64{"into": finance}), 422, "validation", "into")
		var other departmentJSON
		mustJSON(t, a.as(hrBEmail, "POST", "/api/v1/departments", map[string]string{"name": "Ailleurs"}), &other)
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/departments/%d/merge", finance), map[string]int64{"into": other.ID}), 422, "validation", "into")
		res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/departments/%d/merge", finance), map[string]int64{"into": finances})
		if res.Code != 200 {
			t.Fatalf("merge: %d %s", res.Code, res.Body)
		}
		for _, id := range ids {
			var p personJSON
			mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d", id), nil), &p)
			if p.DepartmentID == nil || *p.DepartmentID != finances {
				t.Errorf("person %d not moved: %+v", id, p)
			}
		}
		var deps []departmentJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/departments", nil), &deps)
		if len(deps) != 1 || deps[0].ID != finances {
			t.Errorf("left: %+v", deps)
		}
	})
}
