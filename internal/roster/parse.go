package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/names"
)

// Encodings Parse recognises, as Sheet.Encoding reports them.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingUTF16       = "utf-16"
	EncodingWindows1252 = "windows-1252"
)

// Row is one person as the file gives them, cleaned and checked.
type Row struct {
	// Line is the file's line number where the record starts.
	Line       int
	GivenName  string
	FamilyName string
	// Email is lower-cased, "" when the cell is empty.
	Email string
	// Department is the service's name as written, "" for none.
	Department string
	// Role is a role code (catalog.Audiences).
	Role string
	// Language is "fr" or "de".
	Language string
}

// Sheet is a parsed file: the rows without problems, and the problems.
// Rows with a problem are left out of Rows; an import is only possible
// when Problems is empty.
type Sheet struct {
	Rows     []Row
	Problems []Problem
	// Encoding and Separator are what Parse detected.
	Encoding  string
	Separator rune
	// Ignored lists the header cells Parse did not use, as written.
	Ignored []string
	// fields are the person fields the file has a column for; Plan leaves
	// the others as they are.
	fields map[string]bool
	// splitNames is true when the names come from one full-name column.
	splitNames bool
}

// Has reports whether the file has a column for field (FieldEmail,
// FieldDepartment, FieldRole, FieldLanguage; names are always present).
func (s *Sheet) Has(field string) bool { return s.fields[field] }

// Parse reads a spreadsheet of people.
//
// The encoding is UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
// « Unicode text »), or else Windows-1252, which Excel writes on a Swiss PC
// for « CSV (séparateur : point-virgule) ». The separator is the one of
// ";", tab and "," that the header line uses most outside quotes. Header
// cells are matched without regard to case, accents, spaces and
// punctuation, in French, German or English (see headerAliases).
//
// « Nom » (and « Name », the API's `name`) is the family name when the file
// also has a given-name column (« Prénom », « Vorname », given_name), as
// French and German HR files write it; alone, it is the full name and is
// split with names.Split. An explicit family-name column (« Nom de
// famille », « Nachname », family_name) always wins.
//
// Problems with rows are listed in Sheet.Problems; the error is for a file
// that cannot be read as a list of people at all (an *apperr.Error for the
// field "file").
func Parse(data []byte) (*Sheet, error) {
	voc, err := vocab()
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, apperr.Invalid("file", "roster.too_large", MaxBytes>>20)
	}
	text, encoding := decode(data)
	if !strings.Contains(text, "\n") {
		// Classic Mac files end lines with CR alone.
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	s := &Sheet{Encoding: encoding, Separator: detectSeparator(text), fields: map[string]bool{}}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = s.Separator
	r.FieldsPerRecord = -1
	p := parser{sheet: s, voc: voc, emails: map[string]int{}}
	var noHeader error
	preamble := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			if p.cols == nil {
				return nil, apperr.Invalid("file", "roster.csv_quote_header")
			}
			if !p.problem(Problem{Line: perr.StartLine, Key: "roster.csv_quote"}) {
				break
			}
			continue
		} else if err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		line, _ := r.FieldPos(0)
		if p.cols == nil {
			found, err := p.header(rec)
			switch {
			case err != nil:
				return nil, err
			case found:
				continue
			}
			// HR sheets often start with a title (« Liste du personnel
			// 2026 »): the header is the first of the first few records
			// that has a name column. If none has, the message shows the
			// first record, where the header should be.
			if noHeader == nil {
				noHeader = apperr.Invalid("file", "roster.no_name_column", strings.Join(labels(rec), ", "))
			}
			if preamble++; preamble >= maxPreamble {
				return nil, noHeader
			}
			continue
		}
		if !p.row(line, rec) {
			break
		}
	}
	switch {
	case p.cols == nil && noHeader != nil:
		return nil, noHeader
	case p.cols == nil:
		return nil, apperr.Invalid("file", "roster.empty")
	}
	return s, nil
}

// maxPreamble is how many records before the header Parse looks at.
const maxPreamble = 5

// decode returns data as UTF-8 text without BOM, and its encoding.
func decode(data []byte) (string, string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		// A BOM says UTF-8 even if some bytes are broken: those become
		// U+FFFD rather than turning the whole file into Windows-1252.
		return strings.ToValidUTF8(string(data[3:]), "\uFFFD"), EncodingUTF8BOM
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD"), EncodingUTF16
		}
	case utf8.Valid(data):
		return string(data), EncodingUTF8
	}
	// Windows-1252 defines every byte but five, which the decoder maps to
	// U+FFFD; it cannot fail.
	out, _ := charmap.Windows1252.NewDecoder().Bytes(data)
	return string(out), EncodingWindows1252
}

// detectSeparator finds the separator of the first line that has content
// (the header), counting only separators outside quotes. Ties go to ";",
// the Swiss Excel's, then tab; a single-column file gets ";".
func detectSeparator(text string) rune {
	counts := map[rune]int{}
	quoted, content := false, false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
			content = true
		case quoted:
		case r == '\n':
			if content {
				return mostUsed(counts)
			}
			clear(counts)
		case r == ';' || r == '\t' || r == ',':
			counts[r]++
		case !unicode.IsSpace(r) && r != '\ufeff':
			content = true
		}
	}
	return mostUsed(counts)
}

func mostUsed(counts map[rune]int) rune {
	best := ';'
	for _, r := range []rune{'\t', ','} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// blank reports a record with nothing but spaces: Excel writes ";;;;;" for
// rows that only have formatting.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parser holds the state of one Parse.
type parser struct {
	sheet *Sheet
	voc   *vocabulary
	// cols maps a column to its index in the record; nil before the header.
	cols map[column]int
	// emails maps each address seen to its line.
	emails map[string]int
	rows   int
}

// problem records a problem, and reports false once there are too many to
// go on.
func (p *parser) problem(pr Problem) bool {
	if len(p.sheet.Problems) >= MaxProblems {
		p.sheet.Problems = append(p.sheet.Problems, Problem{Line: pr.Line, Key: "roster.too_many_problems", Args: []any{MaxProblems}})
		return false
	}
	p.sheet.Problems = append(p.sheet.Problems, pr)
	return true
}

// headerLabel cleans a header cell; a BOM may be left inside by a program
// that wrote one per column, or by a file glued from two.
func headerLabel(cell string) string {
	return clean.Line(strings.ReplaceAll(cell, "\ufeff", ""))
}

// labels returns the non-empty cells of a header record, cleaned.
func labels(rec []string) []string {
	var out []string
	for _, cell := range rec {
		if label := headerLabel(cell); label != "" {
			out = append(out, label)
		}
	}
	return out
}

// header reads a header record and decides which column holds what; it
// reports false, and keeps nothing, when the record has no name column.
func (p *parser) header(rec []string) (bool, error) {
	found := map[column]int{}
	var ignored []string
	for i, cell := range rec {
		label := headerLabel(cell)
		if label == "" {
			continue
		}
		col := p.voc.headers[compact(label)]
		if col == colNone {
			ignored = append(ignored, label)
			continue
		}
		if _, dup := found[col]; dup {
			return false, apperr.Invalid("file", "roster.column_twice", label)
		}
		found[col] = i
	}
	cols := map[column]int{}
	_, hasGiven := found[colGiven]
	_, hasFamily := found[colFamily]
	nom, hasNom := found[colNom]
	full, hasFull := found[colFull]
	unused := func(col column) {
		if i, ok := found[col]; ok {
			ignored = append(ignored, headerLabel(rec[i]))
		}
	}
	switch {
	case hasFamily:
		cols[colFamily] = found[colFamily]
		unused(colNom)
		unused(colFull)
	case hasNom && hasGiven:
		cols[colFamily] = nom
		unused(colFull)
	case hasFull:
		cols[colFull] = full
		unused(colNom)
	case hasNom:
		cols[colFull] = nom
	default:
		return false, nil
	}
	if _, ok := cols[colFamily]; ok && hasGiven {
		cols[colGiven] = found[colGiven]
	} else {
		unused(colGiven)
	}
	_, p.sheet.splitNames = cols[colFull]
	for col, field := range map[column]string{colEmail: FieldEmail, colDepartment: FieldDepartment, colRole: FieldRole, colLanguage: FieldLanguage} {
		if i, ok := found[col]; ok {
			cols[col] = i
			p.sheet.fields[field] = true
		}
	}
	p.cols, p.sheet.Ignored = cols, ignored
	return true, nil
}

// cell returns the cleaned text of a column, "" when the column is absent
// or the record is short.
func (p *parser) cell(rec []string, col column) string {
	i, ok := p.cols[col]
	if !ok || i >= len(rec) {
		return ""
	}
	return unguard(cleanCell(rec[i]))
}

// cleanCell makes a cell one clean line. clean.Line keeps non-breaking
// spaces, which typography puts inside a text (« Culture »); at its ends
// they are just spaces.
func cleanCell(s string) string {
	return strings.TrimFunc(clean.Line(s), unicode.IsSpace)
}

// row checks one record and adds it to the sheet; it reports false when
// parsing must stop.
func (p *parser) row(line int, rec []string) bool {
	p.rows++
	if p.rows > MaxRows {
		p.problem(Problem{Line: line, Key: "roster.too_many_rows", Args: []any{MaxRows}})
		return false
	}
	size := len(rec) - 1
	for _, c := range rec {
		size += utf8.RuneCountInString(c)
	}
	if size > MaxLineRunes {
		return p.problem(Problem{Line: line, Key: "roster.line_too_long", Args: []any{MaxLineRunes}})
	}
	row := Row{Line: line, Role: DefaultRole, Language: DefaultLanguage}
	var problems []Problem
	bad := func(field, key string, args ...any) {
		problems = append(problems, Problem{Line: line, Field: field, Key: key, Args: args})
	}

	nameField := FieldFamilyName
	if p.sheet.splitNames {
		nameField = FieldName
		row.GivenName, row.FamilyName = names.Split(p.cell(rec, colFull))
	} else {
		row.GivenName, row.FamilyName = p.cell(rec, colGiven), p.cell(rec, colFamily)
	}
	switch full := names.Join(row.GivenName, row.FamilyName); {
	case row.FamilyName == "":
		bad(nameField, "roster.name_missing")
	case utf8.RuneCountInString(full) > maxName:
		bad(nameField, "roster.too_long", maxName)
	}

	if e := p.cell(rec, colEmail); e != "" {
		if email, ok := clean.Email(e); !ok {
			bad(FieldEmail, "roster.email_invalid", clean.Truncate(e, 80))
		} else if first, dup := p.emails[email]; dup {
			bad(FieldEmail, "roster.email_twice", first)
		} else {
			p.emails[email] = line
			row.Email = email
		}
	}

	row.Department = p.cell(rec, colDepartment)
	if utf8.RuneCountInString(row.Department) > maxDepartment {
		bad(FieldDepartment, "roster.too_long", maxDepartment)
	}

	if r := p.cell(rec, colRole); r != "" {
		if code, ok := p.voc.roles[compact(r)]; ok {
			row.Role = code
		} else {
			// Both languages' lists go along; each translation shows its
			// own (explicit argument indexes).
			bad(FieldRole, "roster.role_unknown", clean.Truncate(r, 80), p.voc.roleList["fr"], p.voc.roleList["de"])
		}
	}

	if l := p.cell(rec, colLanguage); l != "" {
		if code, ok := languageWords[compact(l)]; ok {
			row.Language = code
		} else {
			bad(FieldLanguage, "roster.language_unknown", clean.Truncate(l, 80))
		}
	}

	for _, pr := range problems {
		if !p.problem(pr) {
			return false
		}
	}
	if len(problems) == 0 {
		p.sheet.Rows = append(p.sheet.Rows, row)
	}
	return true
}
