package itip

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Bounds on the MIME tree. Real replies nest three levels
// (mixed → alternative → text/calendar) and hold fewer than ten parts.
const (
	maxDepth = 8
	maxParts = 100
)

// wordDecoder decodes RFC 2047 encoded-words in headers (From display
// names, attachment file names), including legacy charsets.
var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// entity is one MIME entity: its header and its still-encoded body.
type entity struct {
	header textproto.MIMEHeader
	body   io.Reader
}

// walker collects the calendar parts of one message.
type walker struct {
	parts int
	cals  [][]byte
	// bad holds why calendar parts could not be decoded; they count only
	// when no other part can be read.
	bad []error
}

// findCalendars returns every calendar found in msg, decoded to UTF-8, and
// the errors of the calendar parts it could not decode. The error is for
// the message as a whole: too large, or a MIME tree beyond the bounds.
func findCalendars(msg *mail.Message) ([][]byte, []error, error) {
	w := &walker{}
	err := w.walk(entity{header: textproto.MIMEHeader(msg.Header), body: msg.Body}, 0)
	return w.cals, w.bad, err
}

func (w *walker) walk(e entity, depth int) error {
	w.parts++
	if w.parts > maxParts {
		return fmt.Errorf("%w: more than %d MIME parts", ErrMalformed, maxParts)
	}
	mediaType, params := contentType(e.header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(mediaType, "multipart/"):
		if depth >= maxDepth {
			return fmt.Errorf("%w: MIME parts nested deeper than %d", ErrMalformed, maxDepth)
		}
		boundary := params["boundary"]
		if boundary == "" {
			return nil
		}
		mr := multipart.NewReader(e.body, boundary)
		for {
			// NextRawPart, not NextPart: NextPart silently decodes
			// quoted-printable and drops the header, and every encoding
			// must go through one decoder here.
			p, err := mr.NextRawPart()
			if err != nil {
				// io.EOF ends a well-formed multipart. Anything else is a
				// truncated or broken one: keep what was found before the
				// break rather than refusing a reply that is complete.
				return nil
			}
			if err := w.walk(entity{header: p.Header, body: p}, depth+1); err != nil {
				return err
			}
		}
	case mediaType == "message/rfc822":
		// A reply forwarded as an attachment is someone else's message:
		// its From is not the sender's. Not read.
		return nil
	case !isCalendar(mediaType, params, e.header.Get("Content-Disposition")):
		return nil
	}
	data, err := decodeBody(e.body, e.header.Get("Content-Transfer-Encoding"))
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	if err != nil {
		w.bad = append(w.bad, err)
		return nil
	}
	w.cals = append(w.cals, toUTF8(data, params["charset"]))
	return nil
}

// contentType parses a Content-Type header leniently. A missing header is
// text/plain (RFC 2045 §5.2). When the parameters are broken (Thunderbird
// quotes its "Boundary_(ID_…)" boundary, but other clients leave such
// values bare, which mime.ParseMediaType refuses), the media type and the
// parameters that matter here are recovered by hand.
func contentType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mediaType, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mediaType, params
	}
	head, rest, _ := strings.Cut(v, ";")
	params = map[string]string{}
	for item := range strings.SplitSeq(rest, ";") {
		k, val, ok := strings.Cut(item, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		if _, dup := params[k]; !dup && val != "" {
			params[k] = val
		}
	}
	return strings.ToLower(strings.TrimSpace(head)), params
}

// isCalendar tells whether a leaf part carries an iCalendar object. Clients
// label it text/calendar (RFC 6047; Outlook, Gmail and Thunderbird inline),
// application/ics (Gmail's and Thunderbird's invite.ics attachment), or
// application/octet-stream with an .ics name (some gateways and mobile
// clients); text/calendar with Content-Disposition: attachment (Apple
// Calendar) is still text/calendar.
func isCalendar(mediaType string, params map[string]string, disposition string) bool {
	switch mediaType {
	case "text/calendar", "application/ics", "application/x-ics", "text/x-vcalendar":
		return true
	}
	names := []string{params["name"]}
	if disposition != "" {
		_, dp := contentType(disposition)
		names = append(names, dp["filename"])
	}
	for _, n := range names {
		if d, err := wordDecoder.DecodeHeader(n); err == nil {
			// Outlook writes non-ASCII file names as encoded-words.
			n = d
		}
		if strings.HasSuffix(strings.ToLower(strings.TrimSpace(n)), ".ics") {
			return true
		}
	}
	return false
}

// decodeBody undoes the Content-Transfer-Encoding, reading at most
// MaxCalendarSize decoded bytes.
func decodeBody(body io.Reader, cte string) ([]byte, error) {
	// Read one byte more than the limit of the encoded form: base64 is a
	// third larger, so allow for it before decoding.
	encoded, err := io.ReadAll(io.LimitReader(body, 2*MaxCalendarSize+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: calendar part: %v", ErrMalformed, err)
	}
	if len(encoded) > 2*MaxCalendarSize {
		return nil, fmt.Errorf("%w: calendar part over %d bytes", ErrTooLarge, MaxCalendarSize)
	}
	var data []byte
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		data, err = decodeBase64(encoded)
	case "quoted-printable":
		data, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(encoded)))
	default:
		// 7bit, 8bit, binary, missing, or an unknown token: the bytes as
		// they are. Gmail labels its UTF-8 calendar 7bit.
		data = encoded
	}
	if err != nil {
		return nil, fmt.Errorf("%w: calendar part: %s: %v", ErrMalformed, cte, err)
	}
	if len(data) > MaxCalendarSize {
		return nil, fmt.Errorf("%w: calendar part over %d bytes", ErrTooLarge, MaxCalendarSize)
	}
	return data, nil
}

// decodeBase64 is lenient about what mailers do to base64 bodies: line
// breaks anywhere, stray spaces, and a missing final padding.
func decodeBase64(b []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b)
	if len(clean)%4 != 0 {
		return base64.RawStdEncoding.DecodeString(string(bytes.TrimRight(clean, "=")))
	}
	return base64.StdEncoding.DecodeString(string(clean))
}

// toUTF8 converts a calendar to UTF-8 from its declared charset.
//
// iCalendar is UTF-8 (RFC 5545 §6), but the MIME label is what clients
// set: Outlook and old Exchange may write iso-8859-1 or windows-1252, and a
// missing or us-ascii label often covers 8-bit text. Valid UTF-8 under
// a missing, ASCII or UTF-8 label is kept; invalid bytes under such a label
// are read as windows-1252, the usual culprit; a declared legacy charset is
// decoded as declared.
func toUTF8(data []byte, charset string) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	label := strings.ToLower(strings.TrimSpace(charset))
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "us", "ansi_x3.4-1968":
		if utf8.Valid(data) {
			return data
		}
		if label == "utf-8" || label == "utf8" {
			return bytes.ToValidUTF8(data, []byte("\uFFFD"))
		}
		return decodeWith(charmap.Windows1252, data)
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		// An unknown label: treat it as missing.
		return toUTF8(data, "")
	}
	if enc == unicode.UTF8 {
		return toUTF8(data, "utf-8")
	}
	return decodeWith(enc, data)
}

func decodeWith(enc encoding.Encoding, data []byte) []byte {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// charsetReader lets the RFC 2047 decoder read legacy charsets.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.ToLower(strings.TrimSpace(charset)))
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(input), nil
}
