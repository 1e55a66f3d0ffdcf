package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/jmessage-go/jmessage"
)

// errorColumn is the column (or JSON key) a failures file adds to each
// row; import ignores it, so a failures file can be imported as it is.
const errorColumn = "error"

// userFields are the user fields a column can be mapped to: NewUser's
// JSON names (username, password, nickname, …).
func userFields() []string {
	t := reflect.TypeFor[jmessage.NewUser]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// columnMap maps input columns to user fields. A column maps to the field
// of its own name unless --map says otherwise; "-" ignores a column.
type columnMap map[string]string

// parseColumnMap reads --map values: "column=field" pairs, comma-separated
// or repeated.
func parseColumnMap(pairs []string) (columnMap, error) {
	known := map[string]bool{"-": true}
	for _, f := range userFields() {
		known[f] = true
	}
	m := columnMap{errorColumn: "-"}
	for _, pair := range pairs {
		col, field, ok := strings.Cut(pair, "=")
		col, field = strings.TrimSpace(col), strings.TrimSpace(field)
		if !ok || col == "" {
			return nil, usagef("--map %q: want column=field", pair)
		}
		if !known[field] {
			return nil, usagef("--map %q: no user field %q (fields: %s, or - to ignore the column)", pair, field, strings.Join(userFields(), ", "))
		}
		m[col] = field
	}
	return m, nil
}

// field returns the user field column maps to, or "" when it maps to none.
func (m columnMap) field(column string) string {
	if f, ok := m[column]; ok {
		if f == "-" {
			return ""
		}
		return f
	}
	for _, f := range userFields() {
		if f == column {
			return f
		}
	}
	return ""
}

// check refuses columns that map to no field, and a missing username or
// password column.
func (m columnMap) check(columns []string) error {
	mapped := map[string]bool{}
	for _, c := range columns {
		f := m.field(c)
		if f == "" && m[c] != "-" {
			return usagef("column %q is no user field: map it with --map %s=FIELD, or ignore it with --map %s=-", c, c, c)
		}
		mapped[f] = true
	}
	for _, f := range []string{"username", "password"} {
		if !mapped[f] {
			return usagef("no column for the user field %q: map one with --map COLUMN=%s", f, f)
		}
	}
	return nil
}

// row is one input row: its line, its values by user field, and the raw
// record to write to a failures file.
type row struct {
	line   int
	values map[string]any // by user field
	csv    []string       // the CSV record, for CSV input
	json   map[string]any // the object, for JSON Lines input
}

// user converts a row to the user to register.
func (r row) user() (jmessage.NewUser, error) {
	fields := userFields() // in this order, so that the first error is always the same
	values := make(map[string]any, len(r.values))
	for _, field := range fields {
		v, ok := r.values[field]
		if !ok {
			continue
		}
		s, isString := v.(string)
		switch {
		case !isString:
			values[field] = v
		case s == "":
			// an empty cell leaves the field unset
		case field == "gender":
			g, err := parseGender(s)
			if err != nil {
				return jmessage.NewUser{}, err
			}
			values[field] = g
		case field == "extras":
			var extras map[string]any
			if err := json.Unmarshal([]byte(s), &extras); err != nil {
				return jmessage.NewUser{}, fmt.Errorf("extras: want a JSON object: %w", err)
			}
			values[field] = extras
		default:
			values[field] = s
		}
	}
	var u jmessage.NewUser
	for _, field := range fields { // one field at a time, so that an error names its field
		v, ok := values[field]
		if !ok {
			continue
		}
		b, err := json.Marshal(map[string]any{field: v})
		if err == nil {
			err = json.Unmarshal(b, &u)
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return u, fmt.Errorf("%s: want a %s", field, typeErr.Type)
		} else if err != nil {
			return u, fmt.Errorf("%s: %w", field, err)
		}
	}
	return u, nil
}

// parseGender reads 0, 1, 2 or unknown, male, female.
func parseGender(s string) (jmessage.Gender, error) {
	switch strings.ToLower(s) {
	case "0", "unknown":
		return jmessage.GenderUnknown, nil
	case "1", "male", "m":
		return jmessage.GenderMale, nil
	case "2", "female", "f":
		return jmessage.GenderFemale, nil
	}
	return 0, fmt.Errorf("gender %q: want 0, 1, 2, unknown, male or female", s)
}

// readCSV reads a CSV file with a header row.
func readCSV(r io.Reader, m columnMap) (header []string, rows []row, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err = cr.Read()
	if err != nil {
		return nil, nil, usagef("reading the CSV header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	if err := m.check(header); err != nil {
		return nil, nil, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return header, rows, nil
		}
		if err != nil {
			return nil, nil, usagef("reading the CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		r := row{line: line, csv: rec, values: map[string]any{}}
		for i, v := range rec {
			if i < len(header) {
				if f := m.field(header[i]); f != "" {
					r.values[f] = v
				}
			}
		}
		rows = append(rows, r)
	}
}

// readJSONLines reads one JSON object a line. A line that is no JSON
// object becomes a row with no values, failed with its own error.
func readJSONLines(r io.Reader, m columnMap) ([]row, []error, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	var rows []row
	var errs []error
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		obj := map[string]any{}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		err := dec.Decode(&obj)
		if err == nil && dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("want one JSON object on the line")
		}
		r := row{line: line, json: obj, values: map[string]any{}}
		if err != nil { // the failures file gets the line as it was
			r.json = map[string]any{"raw": strings.ToValidUTF8(string(text), "?")}
		} else {
			err = m.checkKeys(obj)
		}
		for k, v := range obj {
			if f := m.field(k); f != "" {
				r.values[f] = jsonValue(v)
			}
		}
		rows = append(rows, r)
		errs = append(errs, err)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading the JSON Lines: %w", err)
	}
	return rows, errs, nil
}

// checkKeys refuses keys of a JSON object that map to no field.
func (m columnMap) checkKeys(obj map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if m.field(k) == "" && m[k] != "-" {
			return fmt.Errorf("key %q is no user field (map it with --map %s=FIELD, or ignore it with --map %s=-)", k, k, k)
		}
	}
	return nil
}

// jsonValue turns a json.Number into the number it holds, so that gender
// decodes as an integer; other values pass as they are.
func jsonValue(v any) any {
	if n, ok := v.(json.Number); ok {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i
		}
		return n
	}
	return v
}
