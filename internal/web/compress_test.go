package web

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestCompressStreams checks that a handler that flushes has its bytes
// reach the client at once, compressed, while it is still writing: the
// client reads the first part before the handler writes the second.
func TestCompressStreams(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(compress())
	next := make(chan struct{})
	r.GET("/stream", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.Status(http.StatusOK)
		_, _ = c.Writer.WriteString("first part\n")
		c.Writer.Flush()
		select {
		case <-next:
		case <-time.After(5 * time.Second):
		}
		_, _ = c.Writer.WriteString(strings.Repeat("second part\n", 200))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, enc := range []string{"gzip", ""} {
		req, _ := http.NewRequest("GET", srv.URL+"/stream", nil)
		req.Header.Set("Accept-Encoding", enc)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", enc, got)
		}
		var body io.Reader = res.Body
		if enc == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = zr
		}
		br := bufio.NewReader(body)
		done := make(chan string, 1)
		go func() { line, _ := br.ReadString('\n'); done <- line }()
		select {
		case line := <-done:
			if line != "first part\n" {
				t.Errorf("first line %q", line)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("Accept-Encoding %q: the flushed part did not arrive while the handler waits", enc)
		}
		next <- struct{}{}
		rest, err := io.ReadAll(br)
		if err != nil || string(rest) != strings.Repeat("second part\n", 200) {
			t.Errorf("rest: %d bytes, %v", len(rest), err)
		}
		res.Body.Close()
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"gzip, deflate, br, zstd": true,
		"br;q=1.0, gzip;q=0.8":    true,
		"GZIP":                    true,
		"gzip;q=0":                false,
		"gzip;q=0, *":             false,
		"*":                       true,
		"*;q=0":                   false,
		"identity":                false,
		"br":                      false,
		"x-gzip":                  true,
		"gzip;q=bad":              false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", header)
		if got := acceptsGzip(r); got != want {
			t.Errorf("%q: %v, want %v", header, got, want)
		}
	}
}
