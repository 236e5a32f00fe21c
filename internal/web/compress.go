package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// minCompress is the smallest answer worth gzipping: below it the gzip
// header and the CPU cost more than the bytes saved.
const minCompress = 1024

// compress gzips the answers that compress (HTML, JSON, calendars, CSV)
// when the client accepts gzip, and marks them Vary: Accept-Encoding. It
// holds back the first KiB to learn the answer's type and whether it is
// small; PDFs, images, answers that already carry a Content-Encoding, HEAD
// and partial answers pass untouched, and static files, gzipped once at
// start, skip it. A handler that flushes gets its bytes sent (compressed)
// at once.
func compress() gin.HandlerFunc {
	pool := &sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}
	return func(c *gin.Context) {
		if p := c.Request.URL.Path; strings.HasPrefix(p, "/static/") || p == "/favicon.ico" {
			c.Next() // compressed once at start (assets.go)
			return
		}
		w := &gzipWriter{
			ResponseWriter: c.Writer,
			pool:           pool,
			accept:         c.Request.Method != http.MethodHead && acceptsGzip(c.Request),
		}
		c.Writer = w
		c.Next()
		w.finish()
		c.Writer = w.ResponseWriter
	}
}

// gzipWriter buffers the start of an answer, then either compresses it or
// lets it through.
type gzipWriter struct {
	gin.ResponseWriter
	pool    *sync.Pool
	accept  bool
	buf     []byte
	decided bool
	zw      *gzip.Writer // set when compressing
	err     error
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if !w.decided {
		w.buf = append(w.buf, p...)
		if len(w.buf) >= minCompress {
			w.decide(true)
		}
		return len(p), w.err
	}
	if w.zw != nil {
		return w.zw.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// WriteHeaderNow waits: the headers go out once the answer's size is known.
func (w *gzipWriter) WriteHeaderNow() {
	if w.decided {
		w.ResponseWriter.WriteHeaderNow()
	}
}

// Size is the number of bytes written so far (held back, or sent).
func (w *gzipWriter) Size() int {
	if !w.decided {
		return len(w.buf)
	}
	return w.ResponseWriter.Size()
}

// Written reports whether the handler has started its answer.
func (w *gzipWriter) Written() bool {
	return len(w.buf) > 0 || w.ResponseWriter.Written()
}

// Flush sends what was written so far: a streaming answer is compressed
// whatever its size.
func (w *gzipWriter) Flush() {
	if !w.decided {
		w.decide(true)
	}
	if w.zw != nil {
		w.err = w.zw.Flush()
	}
	w.ResponseWriter.Flush()
}

// decide chooses, once, between gzip and plain, then writes the held bytes.
// big says whether the answer is worth compressing by its size.
func (w *gzipWriter) decide(big bool) {
	w.decided = true
	h := w.Header()
	ct := h.Get("Content-Type")
	if ct == "" && len(w.buf) > 0 {
		ct = http.DetectContentType(w.buf)
		h.Set("Content-Type", ct)
	}
	status := w.Status()
	if compressible(ct) && h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" &&
		status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
		if !strings.Contains(strings.ToLower(strings.Join(h.Values("Vary"), ",")), "accept-encoding") {
			h.Add("Vary", "Accept-Encoding")
		}
		if w.accept && big {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			// A strong tag names one encoding of the content: the gzip
			// variant has its own.
			if etag := h.Get("ETag"); etag != "" {
				h.Set("ETag", gzipETag(etag))
			}
			w.zw = w.pool.Get().(*gzip.Writer)
			w.zw.Reset(w.ResponseWriter)
		}
	}
	buf := w.buf
	w.buf = nil
	switch {
	case w.zw != nil:
		_, w.err = w.zw.Write(buf)
	case len(buf) > 0:
		_, w.err = w.ResponseWriter.Write(buf)
	}
}

// finish ends the answer: a small one goes out plain.
func (w *gzipWriter) finish() {
	if !w.decided {
		w.decide(false)
	}
	if w.zw != nil {
		if err := w.zw.Close(); err == nil {
			w.pool.Put(w.zw)
		}
		w.zw = nil
	}
}

// compressible reports whether a content type is worth gzipping: text,
// JSON, calendars, SVG. PDFs, PNGs and archives are compressed already.
func compressible(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case strings.HasPrefix(mt, "text/"), mt == "application/json", mt == "application/javascript",
		mt == "image/svg+xml", strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip
// (named, or by "*"), with a q-value above zero.
func acceptsGzip(r *http.Request) bool {
	named, star := -1.0, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				f = 0
			}
			q = f
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			named = q
		case "*":
			star = q
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// gzipETag is the entity tag of the gzip variant of a strong tag (a weak
// tag stays as it is: it does not tell encodings apart).
func gzipETag(etag string) string {
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 2 {
		return etag
	}
	return strings.TrimSuffix(etag, `"`) + `-gz"`
}
