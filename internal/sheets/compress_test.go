package sheets

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strconv"
)

// recompress is how the kit compressed a PDF before it streamed them, the
// whole file at once: the reference the streaming compressor (stream.go)
// must match byte for byte. It compresses the plain streams (the pages'
// contents) of a PDF written by gofpdf without compression, with one zlib
// writer for all of them, and rebuilds the cross-reference table.
func recompress(pdf []byte) ([]byte, error) {
	xref := bytes.LastIndex(pdf, []byte("\nxref\n"))
	if xref < 0 {
		return nil, fmt.Errorf("no xref")
	}
	xref++
	rest := pdf[xref+len("xref\n"):]
	line, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("bad xref")
	}
	var first, count int
	if _, err := fmt.Sscanf(string(line), "%d %d", &first, &count); err != nil || first != 0 || count < 1 {
		return nil, fmt.Errorf("bad xref subsection %q", line)
	}
	const entry = 20 // "0000000015 00000 n \n"
	if len(rest) < count*entry {
		return nil, fmt.Errorf("short xref")
	}
	type object struct{ num, off int }
	objs := make([]object, 0, count-1)
	for i := 1; i < count; i++ {
		e := rest[i*entry : (i+1)*entry]
		if e[17] != 'n' {
			return nil, fmt.Errorf("xref entry %d not in use", i)
		}
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || off <= 0 || off >= xref {
			return nil, fmt.Errorf("bad xref entry %d", i)
		}
		objs = append(objs, object{i, off})
	}
	trailer := rest[count*entry:]
	if i := bytes.Index(trailer, []byte("startxref\n")); i < 0 {
		return nil, fmt.Errorf("no startxref")
	} else {
		trailer = trailer[:i]
	}
	slices.SortFunc(objs, func(a, b object) int { return a.off - b.off })

	var out bytes.Buffer
	out.Grow(len(pdf) / 2)
	out.Write(pdf[:objs[0].off])
	offsets := make([]int, count)
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.DefaultCompression)
	if err != nil {
		return nil, err
	}
	for i, o := range objs {
		end := xref
		if i+1 < len(objs) {
			end = objs[i+1].off
		}
		obj := pdf[o.off:end]
		offsets[o.num] = out.Len()
		head := []byte(strconv.Itoa(o.num) + " 0 obj\n<</Length ")
		if !bytes.HasPrefix(obj, head) {
			out.Write(obj)
			continue
		}
		n, after, ok := bytes.Cut(obj[len(head):], []byte(">>\nstream\n"))
		length, err := strconv.Atoi(string(n))
		if !ok || err != nil {
			out.Write(obj) // a stream with more than a length: already filtered
			continue
		}
		if length > len(after) || !bytes.HasPrefix(after[length:], []byte("\nendstream\n")) {
			return nil, fmt.Errorf("object %d: unexpected stream", o.num)
		}
		z.Reset()
		zw.Reset(&z)
		if _, err := zw.Write(after[:length]); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		fmt.Fprintf(&out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", o.num, z.Len())
		out.Write(z.Bytes())
		out.Write(after[length:])
	}
	start := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", count)
	for _, off := range offsets[1:] {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	out.Write(trailer)
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", start)
	return out.Bytes(), nil
}
