package access_test

import (
	"testing"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
)

// code is the error code a decision gives; "" when allowed.
func code(err error) string {
	if err == nil {
		return ""
	}
	e, ok := apperr.As(err)
	if !ok {
		return "?"
	}
	return string(e.Code)
}

const (
	orgA, orgB = int64(1), int64(2)
	// Region V holds commune A; region W holds B.
	regionV, regionW = int64(10), int64(20)
	ok               = ""
	nf               = "not_found"
	fb               = "forbidden"
)

var (
	admin       = access.User(1, "admin", access.RoleAdmin, 0)
	adminInA    = access.User(1, "admin", access.RoleAdmin, orgA)
	hrA         = access.User(2, "hr-a", access.RoleHR, orgA)
	trainerA    = access.User(3, "t-a", access.RoleTrainer, orgA)
	otherTrainA = access.User(4, "t2-a", access.RoleTrainer, orgA)
	hrB         = access.User(5, "hr-b", access.RoleHR, orgB)
	coordinator = access.Coordinator(6, "coord", regionV)
	coordOther  = access.Coordinator(7, "coord-other", regionW)
	participant = access.Participant(42)
	nobody      = access.Caller{}
	system      = access.System("cli")
)

func TestOnSession(t *testing.T) {
	closed := access.Session{OrgID: orgA, Trainers: []int64{3}}
	open := access.Session{OrgID: orgA, Open: true, Trainers: []int64{3}}
	cases := []struct {
		who    access.Caller
		action access.Action
		s      access.Session
		want   string
	}{
		{hrA, access.ViewSession, closed, ok},
		{hrA, access.EditSession, closed, ok},
		{adminInA, access.EditSession, closed, ok},
		{admin, access.ViewSession, closed, fb},
		{trainerA, access.ViewSession, closed, ok},
		{trainerA, access.EditSession, closed, fb},
		{trainerA, access.ViewRegistrations, closed, ok},
		{trainerA, access.TakeAttendance, closed, ok},
		{trainerA, access.PrintKit, closed, ok},
		{trainerA, access.BookInto, closed, fb},
		{otherTrainA, access.ViewRegistrations, closed, fb},
		{otherTrainA, access.TakeAttendance, closed, fb},
		{hrB, access.ViewSession, closed, nf},
		{hrB, access.BookInto, closed, nf},
		{hrB, access.ViewSession, open, ok},
		{hrB, access.BookInto, open, ok},
		{hrB, access.ViewRegistrations, open, ok},
		{hrB, access.EditSession, open, nf},
		{hrB, access.ViewHistory, open, nf},
		{hrB, access.TakeAttendance, open, nf},
		{hrB, access.PrintKit, open, nf},
		{coordinator, access.ViewSession, open, nf},
		{participant, access.ViewSession, open, nf},
		{nobody, access.ViewSession, open, nf},
	}
	for _, tc := range cases {
		if got := code(tc.who.OnSession(tc.action, tc.s)); got != tc.want {
			t.Errorf("%s %s on %+v: %q, want %q", tc.who.Label, tc.action, tc.s, got, tc.want)
		}
	}
}

func TestCommuneAndPlatform(t *testing.T) {
	cases := []struct {
		who    access.Caller
		action access.Action
		org    int64
		want   string
	}{
		{hrA, access.ManageDirectory, orgA, ok},
		{hrA, access.ManageDirectory, orgB, nf},
		{hrA, access.ReadReports, orgA, ok},
		{trainerA, access.ReadDirectory, orgA, ok},
		{trainerA, access.ManageDirectory, orgA, fb},
		{trainerA, access.ReadReports, orgA, fb},
		{trainerA, access.BookPeople, orgA, fb},
		// A plan belongs to its commune: its HR plans, others do not see it.
		{hrA, access.PlanCampaign, orgA, ok},
		{adminInA, access.PlanCampaign, orgA, ok},
		{hrB, access.PlanCampaign, orgA, nf},
		{trainerA, access.PlanCampaign, orgA, fb},
		{admin, access.PlanCampaign, orgA, fb},
		{coordinator, access.PlanCampaign, orgA, nf},
		{participant, access.PlanCampaign, orgA, nf},
		{adminInA, access.ManageAccounts, orgA, ok},
		{admin, access.ReadDirectory, orgA, fb},
		{coordinator, access.ReadDirectory, orgA, nf},
		{participant, access.ReadDirectory, orgA, nf},
		{hrA, access.LaunchSurvey, orgA, ok},
		{hrA, access.LaunchSurvey, orgB, nf},
		{trainerA, access.LaunchSurvey, orgA, fb},
		{trainerA, access.ReadSurveys, orgA, ok},
		{trainerA, access.ReadSurveys, orgB, nf},
		{hrB, access.ReadSurveys, orgA, nf},
		{hrA, access.EditMemento, orgA, ok},
		{adminInA, access.EditMemento, orgA, ok},
		{trainerA, access.EditMemento, orgA, fb},
		{trainerA, access.ReadMemento, orgA, ok},
		{admin, access.ReadMemento, orgA, fb},
		{hrA, access.ManageRoadmap, orgA, ok},
		{hrB, access.ManageRoadmap, orgA, nf},
		{trainerA, access.ManageRoadmap, orgA, fb},
		{participant, access.ReadSurveys, orgA, nf},
		{participant, access.ReadMemento, orgA, nf},
		{nobody, access.ReadMemento, orgA, nf},
		{nobody, access.ReadDirectory, orgA, nf},
		// A coordinator has no commune-bound power at all.
		{coordinator, access.ReadReports, orgA, nf},
		{coordinator, access.ReadOutbox, orgA, nf},
		{coordinator, access.ReadSurveys, orgA, nf},
		{coordinator, access.ShareWithRegion, orgA, nf},
		{coordinator, access.RecordExperience, orgA, nf},
		{coordinator, access.ListSessions, orgA, nf},
		{hrA, access.ShareWithRegion, orgA, ok},
		{adminInA, access.ShareWithRegion, orgA, ok},
		{hrB, access.ShareWithRegion, orgA, nf},
		{trainerA, access.ShareWithRegion, orgA, fb},
		{hrA, access.RecordExperience, orgA, ok},
		{trainerA, access.RecordExperience, orgA, fb},
	}
	for _, tc := range cases {
		if got := code(tc.who.Commune(tc.action, tc.org)); got != tc.want {
			t.Errorf("%s %s in %d: %q, want %q", tc.who.Label, tc.action, tc.org, got, tc.want)
		}
	}
	for who, want := range map[*access.Caller]string{&admin: ok, &system: ok, &hrA: fb, &trainerA: fb, &nobody: nf, &participant: nf} {
		if got := code(who.Platform(access.ManageOrgs)); got != want {
			t.Errorf("%s manages communes: %q, want %q", who.Label, got, want)
		}
	}
	for who, want := range map[*access.Caller]string{&admin: ok, &system: ok, &hrA: fb, &coordinator: fb, &nobody: nf} {
		if got := code(who.Platform(access.ManageRegions)); got != want {
			t.Errorf("%s manages regions: %q, want %q", who.Label, got, want)
		}
	}
	for who, want := range map[*access.Caller]string{&admin: fb, &system: ok, &hrA: fb, &nobody: fb} {
		if got := code(who.Platform(access.PurgeExpired)); got != want {
			t.Errorf("%s purges: %q, want %q", who.Label, got, want)
		}
	}
}

func TestOnRegistration(t *testing.T) {
	open := access.Session{OrgID: orgA, Open: true}
	ofA := access.Registration{ID: 42, OrgID: orgA, Session: open}
	ofB := access.Registration{ID: 43, OrgID: orgB, Session: open}
	cases := []struct {
		who    access.Caller
		action access.Action
		r      access.Registration
		want   string
	}{
		{hrA, access.SeeToken, ofA, ok},
		{hrA, access.SeeToken, ofB, fb}, // the host never holds B's tokens
		{hrB, access.SeeToken, ofB, ok},
		{trainerA, access.SeeToken, ofA, fb},
		{hrA, access.CancelRegistration, ofB, ok}, // the host may cancel in its session
		{hrB, access.CancelRegistration, ofB, ok},
		{hrB, access.CancelRegistration, ofA, nf},
		{trainerA, access.CancelRegistration, ofA, fb},
		{participant, access.ActOnOwnLink, ofA, ok},
		{participant, access.ActOnOwnLink, ofB, nf},
		{hrA, access.ActOnOwnLink, ofA, nf},
		{participant, access.AnswerInvitation, ofA, ok},
		{participant, access.AnswerInvitation, ofB, nf}, // a reply acts for its own registration only
		{access.Participant(0), access.AnswerInvitation, access.Registration{OrgID: orgA, Session: open}, nf},
		{hrA, access.AnswerInvitation, ofA, nf}, // HR does not answer for the person
		{trainerA, access.AnswerInvitation, ofA, nf},
		{admin, access.AnswerInvitation, ofA, fb}, // an admin outside a commune is told to name one
		{system, access.AnswerInvitation, ofA, nf},
		{nobody, access.AnswerInvitation, ofA, nf},
	}
	for _, tc := range cases {
		if got := code(tc.who.OnRegistration(tc.action, tc.r)); got != tc.want {
			t.Errorf("%s %s on %+v: %q, want %q", tc.who.Label, tc.action, tc.r, got, tc.want)
		}
	}
}

func TestOnRegion(t *testing.T) {
	v := access.Region{ID: regionV, Communes: []int64{orgA}}
	w := access.Region{ID: regionW, Communes: []int64{orgB}}
	cases := []struct {
		who    access.Caller
		action access.Action
		r      access.Region
		want   string
	}{
		{coordinator, access.ReadRegionReport, v, ok},
		{coordinator, access.ReadRegionExperience, v, ok},
		{coordinator, access.ReadRegionReport, w, nf}, // another region does not exist for them
		{coordinator, access.ReadRegionExperience, w, nf},
		{coordOther, access.ReadRegionReport, w, ok},
		{hrA, access.ReadRegionExperience, v, ok},
		{adminInA, access.ReadRegionExperience, v, ok},
		{hrA, access.ReadRegionReport, v, fb}, // the aggregates are the coordinator's view
		{hrA, access.ReadRegionExperience, w, nf},
		{hrB, access.ReadRegionExperience, v, nf},
		{trainerA, access.ReadRegionExperience, v, fb},
		{trainerA, access.ReadRegionReport, v, fb},
		{admin, access.ReadRegionReport, v, fb},
		{admin, access.ReadRegionExperience, v, fb},
		{participant, access.ReadRegionExperience, v, nf},
		{nobody, access.ReadRegionReport, v, nf},
		{coordinator, access.ReadRegionReport, access.Region{}, nf},
	}
	for _, tc := range cases {
		if got := code(tc.who.OnRegion(tc.action, tc.r)); got != tc.want {
			t.Errorf("%s %s on region %d: %q, want %q", tc.who.Label, tc.action, tc.r.ID, got, tc.want)
		}
	}
}
