package sheets

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// streamCompressor does what compressStreams does, as gofpdf writes the
// document, object by object: it holds one object at a time (and the
// cross-reference table at the end), never the whole PDF, so that a large
// report goes to its reader as it is written. It relies on the layout
// gofpdf writes: "N 0 obj\n" headers, streams as "<<… /Length n …>>\n
// stream\n…\nendstream\nendobj\n", a classic xref table last.
type streamCompressor struct {
	w       io.Writer
	pending []byte // what came and is not written yet
	written int    // bytes written to w
	offsets map[int]int
	tail    []byte // from "xref" on
	inTail  bool
	z       bytes.Buffer
	zw      *zlib.Writer
	err     error
}

func newStreamCompressor(w io.Writer) *streamCompressor {
	zw, _ := zlib.NewWriterLevel(nil, zlib.DefaultCompression) // a valid level: no error
	return &streamCompressor{w: w, offsets: map[int]int{}, zw: zw}
}

var errLayout = errors.New("sheets: unexpected PDF layout")

func (s *streamCompressor) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.inTail {
		s.tail = append(s.tail, p...)
		return len(p), nil
	}
	// gofpdf writes the whole document at once: it is taken as it comes,
	// and only an object cut at the end of a write is kept for the next.
	if len(s.pending) == 0 {
		s.pending = p
	} else {
		s.pending = append(s.pending, p...)
	}
	if s.err = s.drain(); s.err != nil {
		return 0, s.err
	}
	s.pending = bytes.Clone(s.pending)
	return len(p), nil
}

func (s *streamCompressor) out(b []byte) error {
	n, err := s.w.Write(b)
	s.written += n
	return err
}

// drain writes every complete object (or line between objects) pending.
func (s *streamCompressor) drain() error {
	for len(s.pending) > 0 {
		p := s.pending
		if bytes.HasPrefix(p, []byte("xref\n")) {
			s.inTail = true
			s.tail = append(s.tail, p...)
			s.pending = nil
			return nil
		}
		nl := bytes.IndexByte(p, '\n')
		if nl < 0 {
			return nil // a line still coming
		}
		num, ok := objectNumber(p[:nl])
		if !ok {
			// The header, or a comment: as it is.
			if err := s.out(p[:nl+1]); err != nil {
				return err
			}
			s.pending = p[nl+1:]
			continue
		}
		n, err := s.object(num, p, nl+1)
		if err != nil || n == 0 {
			return err
		}
		s.pending = p[n:]
	}
	return nil
}

// object writes object num, whose header line ends at body, once it is
// complete in p; it returns how many bytes of p it took (0: not complete).
func (s *streamCompressor) object(num int, p []byte, body int) (int, error) {
	end := bytes.Index(p[body:], []byte("endobj\n"))
	if end < 0 {
		return 0, nil // not all there yet
	}
	// A stream's dictionary comes before its data, and before any
	// "endobj" its data may hold.
	dictEnd := bytes.Index(p[body:body+end], []byte(">>\nstream\n"))
	if dictEnd < 0 {
		n := body + end + len("endobj\n")
		s.offsets[num] = s.written
		return n, s.out(p[:n])
	}
	dict := p[body : body+dictEnd+2]
	length, ok := streamLength(dict)
	if !ok {
		return 0, fmt.Errorf("%w: object %d has no length", errLayout, num)
	}
	data := body + dictEnd + len(">>\nstream\n")
	const closing = "\nendstream\nendobj\n"
	n := data + length + len(closing)
	if len(p) < n {
		return 0, nil
	}
	if !bytes.Equal(p[data+length:n], []byte(closing)) {
		return 0, fmt.Errorf("%w: object %d: unexpected stream", errLayout, num)
	}
	s.offsets[num] = s.written
	if !bytes.Equal(dict, []byte("<</Length "+strconv.Itoa(length)+">>")) {
		return n, s.out(p[:n]) // a stream with more than a length: already filtered
	}
	s.z.Reset()
	s.zw.Reset(&s.z)
	if _, err := s.zw.Write(p[data : data+length]); err != nil {
		return 0, err
	}
	if err := s.zw.Close(); err != nil {
		return 0, err
	}
	if err := s.out(fmt.Appendf(nil, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", num, s.z.Len())); err != nil {
		return 0, err
	}
	if err := s.out(s.z.Bytes()); err != nil {
		return 0, err
	}
	return n, s.out([]byte(closing))
}

// Close writes the cross-reference table, with the objects' new offsets,
// and the trailer.
func (s *streamCompressor) Close() error {
	if s.err != nil {
		return s.err
	}
	if !s.inTail || len(s.pending) > 0 {
		return fmt.Errorf("%w: no xref at the end", errLayout)
	}
	start := s.written
	rest := s.tail[len("xref\n"):]
	line, rest, _ := bytes.Cut(rest, []byte("\n"))
	var first, count int
	if _, err := fmt.Sscanf(string(line), "%d %d", &first, &count); err != nil || first != 0 || count < 1 {
		return fmt.Errorf("%w: xref subsection %q", errLayout, line)
	}
	const entry = 20 // "0000000015 00000 n \n"
	if len(rest) < count*entry || len(s.offsets) != count-1 {
		return fmt.Errorf("%w: %d objects, %d in the xref", errLayout, len(s.offsets), count-1)
	}
	trailer := rest[count*entry:]
	i := bytes.Index(trailer, []byte("startxref\n"))
	if i < 0 {
		return fmt.Errorf("%w: no startxref", errLayout)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", count)
	for n := 1; n < count; n++ {
		off, ok := s.offsets[n]
		if !ok {
			return fmt.Errorf("%w: object %d missing", errLayout, n)
		}
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	b.Write(trailer[:i])
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", start)
	return s.out(b.Bytes())
}

// objectNumber reads an object's header line, "N 0 obj".
func objectNumber(line []byte) (int, bool) {
	num, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.Equal(rest, []byte("0 obj")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(num))
	return n, err == nil && n > 0
}

// streamLength reads a stream dictionary's direct /Length.
func streamLength(dict []byte) (int, bool) {
	i := bytes.Index(dict, []byte("/Length "))
	if i < 0 {
		return 0, false
	}
	digits := dict[i+len("/Length "):]
	j := 0
	for j < len(digits) && digits[j] >= '0' && digits[j] <= '9' {
		j++
	}
	if j == 0 || (j < len(digits) && !bytes.ContainsRune([]byte("> /\r\n"), rune(digits[j]))) {
		return 0, false
	}
	// "/Length 12 0 R" is an indirect length, which gofpdf never writes.
	if bytes.HasPrefix(digits[j:], []byte(" 0 R")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(digits[:j]))
	return n, err == nil
}
