package web

import (
	"os"
	"testing"

	"github.com/atelier-ch/atelier/internal/store/storetest"
)

func TestZZKeep(t *testing.T) {
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	seedRegion(t, a)
	res := a.as(regionCoord, "GET", "/api/v1/region/report.pdf", nil)
	os.WriteFile("/tmp/region.pdf", res.Body.Bytes(), 0o644)
	res = a.as(regionCoord, "GET", "/api/v1/region/report.pdf?lang=de", nil)
	os.WriteFile("/tmp/region-de.pdf", res.Body.Bytes(), 0o644)
	os.WriteFile("/tmp/region.html", []byte(a.pageText(a.browserSession(regionCoord), "/app/region")), 0o644)
	res = a.as(regionCoord, "GET", "/api/v1/region/report", nil)
	os.WriteFile("/tmp/region.json", res.Body.Bytes(), 0o644)
}
