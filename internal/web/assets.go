package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Cache lifetimes of static files. A hashed name changes with the content,
// so its answer never goes stale; a plain name (kept for old links and
// bookmarks) may change at the next deployment.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=300"
)

// asset is one embedded static file, read and compressed once at start.
type asset struct {
	name   string // path under static/: css/atelier.css
	hashed string // the same with a hash of the content: css/atelier.3f2a9c1e.css
	ctype  string
	etag   string // strong ETag of the plain bytes; the gzip variant adds -gz
	plain  []byte
	gz     []byte // nil when gzip does not make it smaller (images, tiny files)
}

// assets holds every static file by its plain and by its hashed name.
type assets struct {
	plain  map[string]*asset
	hashed map[string]*asset
}

// loadAssets reads every file of fsys, names it after its content and
// gzips what compresses.
func loadAssets(fsys fs.FS) (*assets, error) {
	as := &assets{plain: map[string]*asset{}, hashed: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		ext := path.Ext(name)
		a := &asset{
			name:   name,
			hashed: strings.TrimSuffix(name, ext) + "." + h[:8] + ext,
			ctype:  mime.TypeByExtension(ext),
			etag:   `"` + h[:16] + `"`,
			plain:  data,
		}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		if compressible(a.ctype) {
			if a.gz, err = gzipBytes(data); err != nil {
				return err
			}
			if len(a.gz) >= len(data) {
				a.gz = nil
			}
		}
		as.plain[a.name] = a
		as.hashed[a.hashed] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return as, nil
}

// url is the template function `asset`: the hashed URL of a static file.
// An unknown name fails the page's rendering (and the template test).
func (as *assets) url(name string) (string, error) {
	a, ok := as.plain[name]
	if !ok {
		return "", fmt.Errorf("asset %q: no such static file", name)
	}
	return "/static/" + a.hashed, nil
}

func gzipBytes(data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// staticFile answers /static/*filepath: a hashed name for a year, a plain
// name for a few minutes.
func (s *Server) staticFile(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("filepath"), "/")
	if a, ok := s.assets.hashed[name]; ok {
		serveAsset(c, a, cacheImmutable)
		return
	}
	if a, ok := s.assets.plain[name]; ok {
		serveAsset(c, a, cacheShort)
		return
	}
	s.notFound(c)
}

// favicon answers /favicon.ico, which browsers ask for on their own (for a
// PDF, say), with the SVG icon the pages link to.
func (s *Server) favicon(c *gin.Context) {
	serveAsset(c, s.assets.plain["favicon.svg"], cacheShort)
}

// serveAsset writes a static file, gzipped when the client takes it, with
// its ETag and length; a matching If-None-Match gets a 304, HEAD the
// headers alone. (No ranges: the files are a few KiB.)
func serveAsset(c *gin.Context, a *asset, cacheControl string) {
	h := c.Writer.Header()
	h.Set("Cache-Control", cacheControl)
	body, etag := a.plain, a.etag
	if a.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(c.Request) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// Either variant's tag proves the client holds this content.
	if inm := c.GetHeader("If-None-Match"); inm != "" && (etagMatch(inm, a.etag) || etagMatch(inm, strings.TrimSuffix(a.etag, `"`)+`-gz"`)) {
		h.Del("Content-Encoding")
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	h.Set("Content-Type", a.ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		c.Writer.WriteHeaderNow()
		return
	}
	_, _ = c.Writer.Write(body)
}

// etagMatch reports whether an If-None-Match header names etag (weakly, as
// RFC 9110 wants for If-None-Match).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
