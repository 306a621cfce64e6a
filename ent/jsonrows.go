package ent

// This file is not generated: withRows (ent/withrow.go) reads the rows it
// aggregated with it.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"
)

// jsonValue is one value of a row aggregated as JSON.
type jsonValue struct {
	// text is a string's text, unescaped, or any other value's JSON as
	// written: a number, true, false, null, or an array (a nested edge's
	// rows, on PostgreSQL).
	text   string
	quoted bool
}

var errJSONRows = errors.New("malformed JSON rows")

// jsonRows walks src, the JSON array of arrays an aggregate wrote, handing
// each inner array's values to row (the slice is reused). It reads only
// what the JSON functions write, and takes a string without escapes as a
// part of src: encoding/json's reflection, a RawMessage per value and a
// copy of each string were most of what a household's members cost to read.
func jsonRows(src string, row func([]jsonValue) error) error {
	p := jsonParser{s: src}
	if !p.eat('[') {
		return errJSONRows
	}
	if p.eat(']') {
		return p.end()
	}
	var vals []jsonValue
	for {
		if !p.eat('[') {
			return errJSONRows
		}
		vals = vals[:0]
		if !p.eat(']') {
			for {
				v, err := p.value()
				if err != nil {
					return err
				}
				vals = append(vals, v)
				if p.eat(',') {
					continue
				}
				if p.eat(']') {
					break
				}
				return errJSONRows
			}
		}
		if err := row(vals); err != nil {
			return err
		}
		if p.eat(',') {
			continue
		}
		if p.eat(']') {
			return p.end()
		}
		return errJSONRows
	}
}

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// eat skips white space, then c if it is next.
func (p *jsonParser) eat(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) end() error {
	if p.ws(); p.i != len(p.s) {
		return errJSONRows
	}
	return nil
}

func (p *jsonParser) value() (jsonValue, error) {
	p.ws()
	if p.i >= len(p.s) {
		return jsonValue{}, errJSONRows
	}
	start := p.i
	switch c := p.s[p.i]; {
	case c == '"':
		escaped, err := p.skipString()
		if err != nil {
			return jsonValue{}, err
		}
		if !escaped {
			return jsonValue{text: p.s[start+1 : p.i-1], quoted: true}, nil
		}
		var s string
		if err := json.Unmarshal([]byte(p.s[start:p.i]), &s); err != nil {
			return jsonValue{}, fmt.Errorf("%w: %v", errJSONRows, err)
		}
		return jsonValue{text: s, quoted: true}, nil
	case c == '[' || c == '{':
		depth := 0
		for p.i < len(p.s) {
			switch p.s[p.i] {
			case '"':
				if _, err := p.skipString(); err != nil {
					return jsonValue{}, err
				}
				continue
			case '[', '{':
				depth++
			case ']', '}':
				depth--
			}
			p.i++
			if depth == 0 {
				return jsonValue{text: p.s[start:p.i]}, nil
			}
		}
		return jsonValue{}, errJSONRows
	case c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
		for p.i < len(p.s) {
			switch p.s[p.i] {
			case ',', ']', ' ', '\t', '\n', '\r':
				return jsonValue{text: p.s[start:p.i]}, nil
			}
			p.i++
		}
		return jsonValue{}, errJSONRows
	}
	return jsonValue{}, errJSONRows
}

// skipString moves past the string that starts at p.i, reporting whether
// it has escapes.
func (p *jsonParser) skipString() (escaped bool, err error) {
	for p.i++; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '\\':
			escaped = true
			p.i++
		case '"':
			p.i++
			return escaped, nil
		}
	}
	return false, errJSONRows
}

// scanJSON scans one value of a JSON-aggregated row into dest, one of the
// scanners an entity's scanValues makes, as the driver's value would have
// been scanned (set directly: Scan would box each value).
func scanJSON(dest any, v jsonValue) error {
	if !v.quoted && v.text == "null" {
		if b, ok := dest.(*[]byte); ok {
			*b = nil
			return nil
		}
		return dest.(interface{ Scan(any) error }).Scan(nil)
	}
	switch d := dest.(type) {
	case *[]byte:
		// A JSON field: SQLite's column holds its text (read as text,
		// readable), PostgreSQL's is the value itself.
		*d = []byte(v.text)
		return nil
	case *sql.NullTime:
		t, err := parseTime(v.text)
		if err != nil {
			return err
		}
		*d = sql.NullTime{Time: t, Valid: true}
	case *sql.NullInt64:
		n, err := strconv.ParseInt(v.text, 10, 64)
		if err != nil {
			return err
		}
		*d = sql.NullInt64{Int64: n, Valid: true}
	case *sql.NullFloat64:
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return err
		}
		*d = sql.NullFloat64{Float64: f, Valid: true}
	case *sql.NullBool:
		switch v.text {
		case "true", "1":
			*d = sql.NullBool{Bool: true, Valid: true}
		case "false", "0":
			*d = sql.NullBool{Valid: true}
		default:
			return fmt.Errorf("unreadable bool %s", v.text)
		}
	case *sql.NullString:
		*d = sql.NullString{String: v.text, Valid: true}
	default:
		return fmt.Errorf("cannot scan %s into %T", v.text, dest)
	}
	return nil
}
