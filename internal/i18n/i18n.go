// Package i18n holds the user-facing strings in French (fr-CH) and German
// (de-CH) and picks a language for a request.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed locales
var files embed.FS

// Languages the product speaks; the first is the default.
var Languages = []string{"fr", "de"}

// Msg is a translatable message: a key of the translation files and the
// arguments its text formats.
type Msg struct {
	Key  string
	Args []any
}

// M builds a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Translator renders messages in one of the supported languages.
type Translator struct {
	texts map[string]map[string]string
}

// Load parses the embedded translation files. Both languages must define the
// same keys: a key missing in one of them is an error at start.
func Load() (*Translator, error) {
	t := &Translator{texts: map[string]map[string]string{}}
	// Each language is a folder of JSON files (one per area of the
	// product), merged; a key defined twice is an error.
	for _, lang := range Languages {
		names, err := fs.Glob(files, "locales/"+lang+"/*.json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, name := range names {
			data, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", name, k)
				}
				m[k] = v
			}
		}
		t.texts[lang] = m
	}
	var missing []string
	for key := range t.texts["fr"] {
		if _, ok := t.texts["de"][key]; !ok {
			missing = append(missing, "de:"+key)
		}
	}
	for key := range t.texts["de"] {
		if _, ok := t.texts["fr"][key]; !ok {
			missing = append(missing, "fr:"+key)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("i18n: missing translations: %s", strings.Join(missing, ", "))
	}
	return t, nil
}

// MustLoad is Load for tests and main, where the embedded files are known good.
func MustLoad() *Translator {
	t, err := Load()
	if err != nil {
		panic(err)
	}
	return t
}

// Has reports whether key exists.
func (t *Translator) Has(key string) bool {
	_, ok := t.texts["fr"][key]
	return ok
}

// T renders key in lang with args; an unknown key renders as itself so a
// missing string is visible rather than silent.
func (t *Translator) T(lang, key string, args ...any) string {
	m, ok := t.texts[Normalize(lang)]
	if !ok {
		m = t.texts["fr"]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	args = localize(Normalize(lang), args)
	copied := false
	for i, a := range args {
		if k, ok := a.(Key); ok {
			if !copied { // the caller's arguments stay as they were
				args, copied = append([]any(nil), args...), true
			}
			args[i] = t.T(lang, string(k))
		}
	}
	return fmt.Sprintf(s, args...)
}

// Key is a message argument that is itself a message: the name of a field
// or a question, written in the message's language.
type Key string

// Msg renders a Msg in lang.
func (t *Translator) Msg(lang string, m Msg) string { return t.T(lang, m.Key, m.Args...) }

// Normalize maps a language tag to a supported language, French by default.
func Normalize(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if strings.HasPrefix(lang, "de") {
		return "de"
	}
	return "fr"
}

// Valid reports whether lang is exactly one of the supported languages.
func Valid(lang string) bool { return lang == "fr" || lang == "de" }

// FromAcceptLanguage picks fr or de from an Accept-Language header, honouring
// q-values; French when neither is acceptable.
func FromAcceptLanguage(header string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		tag := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			f = strings.TrimSpace(f)
			if v, ok := strings.CutPrefix(f, "q="); ok {
				if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
					q = 0
				}
			}
		}
		var lang string
		switch {
		case tag == "fr" || strings.HasPrefix(tag, "fr-"):
			lang = "fr"
		case tag == "de" || strings.HasPrefix(tag, "de-"):
			lang = "de"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	if best == "" || bestQ <= 0 {
		return "fr"
	}
	return best
}
