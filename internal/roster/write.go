package roster

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"io"
	"slices"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
)

// Write exports people in the import's format, sorted by family name then
// given name: UTF-8 with a BOM (so that Excel does not read it as
// Windows-1252), ";" between fields and CRLF line ends (what Excel on a
// Swiss PC expects), headers and role labels in lang ("fr" or "de") as the
// UI shows them. departments names the services by id.
//
// A cell that a spreadsheet would run as a formula (starting with = + - @)
// gets a leading apostrophe, which Parse removes again.
func Write(w io.Writer, people []Person, departments map[int64]string, lang string) error {
	voc, err := vocab()
	if err != nil {
		return err
	}
	lang = i18n.Normalize(lang)
	type sorted struct {
		key []byte
		p   Person
	}
	list := make([]sorted, len(people))
	for i, p := range people {
		list[i] = sorted{names.SortKey(p.FamilyName, p.GivenName), p}
	}
	slices.SortFunc(list, func(a, b sorted) int {
		return cmp.Or(bytes.Compare(a.key, b.key), cmp.Compare(a.p.ID, b.p.ID))
	})

	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := make([]string, 0, 6)
	for _, f := range []string{FieldFamilyName, FieldGivenName, FieldEmail, FieldDepartment, FieldRole, FieldLanguage} {
		header = append(header, voc.tr.T(lang, "roster.col."+f))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range list {
		p := s.p
		role := p.Role
		if key := "role." + p.Role; voc.tr.Has(key) {
			role = voc.tr.T(lang, key)
		}
		rec := []string{p.FamilyName, p.GivenName, p.Email, departments[p.DepartmentID], role, p.Language}
		for i, v := range rec {
			// Cells are one line: a line break inside a name would only
			// confuse the reader of the file.
			rec[i] = guard(cleanCell(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
