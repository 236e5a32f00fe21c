package kit

import (
	"bytes"
	"context"

	"github.com/atelier-ch/atelier/internal/access"
)

// RegionReport prints the regional view of the caller's region (its
// coordinator), for the region's meetings.
func (s *Service) RegionReport(ctx context.Context, caller access.Caller, lang string) (*File, error) {
	rep, err := s.Regions.Report(ctx, caller, lang)
	if err != nil {
		return nil, err
	}
	name := "rapport-regional-" + fileSafe(rep.Region.Slug) + ".pdf"
	return render(name, func(b *bytes.Buffer) error { return s.sheets.RegionReport(b, rep, lang) })
}
