package jmessage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Ptr returns a pointer to v, for optional request fields.
func Ptr[T any](v T) *T { return &v }

// deref returns *p, or T's zero value when p is nil (an optional field that
// is not set, which every field rule accepts).
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// TimeLayout is the API's time format: local time in China, no zone.
const TimeLayout = "2006-01-02 15:04:05"

// dateLayout is the API's date format for request birthdays.
const dateLayout = "2006-01-02"

// shanghai is the zone of the API's times: Asia/Shanghai from the host's
// tzdata, or a fixed UTC+8 (China has had no daylight saving since 1991).
var shanghai = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
})

// Shanghai returns the time zone the API's times are read and written in.
func Shanghai() *time.Location { return shanghai() }

// Time is a time the API writes as "yyyy-MM-dd HH:mm:ss" in China's time
// zone. An empty string or null decodes to the zero Time. It embeds
// time.Time, so all its methods are at hand.
type Time struct{ time.Time }

// MarshalJSON writes the time in the API's layout, in Asia/Shanghai; the
// zero Time is written as "". It is there for users who store what the API
// answered (a User, a Group) as JSON: without it the embedded time.Time
// would write RFC 3339, which UnmarshalJSON does not read.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(`"` + t.In(shanghai()).Format(TimeLayout) + `"`), nil
}

// UnmarshalJSON reads "yyyy-MM-dd HH:mm:ss" (or "yyyy-MM-dd") in Asia/Shanghai.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("jmessage: time: %w", err)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	layout := TimeLayout
	if len(s) == len(dateLayout) {
		layout = dateLayout
	}
	parsed, err := time.ParseInLocation(layout, s, shanghai())
	if err != nil {
		return fmt.Errorf("jmessage: time %q: %w", s, err)
	}
	t.Time = parsed
	return nil
}

// Date is a calendar day, written "yyyy-MM-dd" (a user's birthday in requests).
type Date struct {
	Year  int        // 1 to 9999
	Month time.Month // January to December
	Day   int        // day of the month, from 1
}

// NewDate returns the Date of year, month and day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "yyyy-MM-dd".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// valid reports whether d is a real calendar day.
func (d Date) valid() bool {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return d.Year > 0 && d.Year < 10000 && t.Year() == d.Year && t.Month() == d.Month && t.Day() == d.Day
}

// MarshalJSON writes "yyyy-MM-dd".
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.valid() {
		return nil, fmt.Errorf("jmessage: date %s is not a calendar day", d)
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "yyyy-MM-dd", or the date part of "yyyy-MM-dd HH:mm:ss".
func (d *Date) UnmarshalJSON(b []byte) error {
	var t Time
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	if t.IsZero() {
		*d = Date{}
		return nil
	}
	*d = Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	return nil
}

// flexInt decodes a numeric identifier or count (group id, chatroom id,
// message id, a member cap) from a JSON number or a numeric string without
// going through float64.
type flexInt int64

// UnmarshalJSON reads a number or a numeric string.
func (id *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("jmessage: id %q: %w", b, errors.Unwrap(err))
	}
	*id = flexInt(n)
	return nil
}

// flexString decodes a JSON string, or a number written where a string
// belongs (some answers show "owner_username": 123456).
type flexString string

// UnmarshalJSON reads a string or a number's literal text.
func (s *flexString) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// The common case, with no escape to decode: b is a valid JSON
		// string (the decoder checked), so its text is between the quotes.
		*s = flexString(b[1 : len(b)-1])
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("jmessage: want a string or a number, got %.32s", b)
	}
	*s = flexString(n)
	return nil
}

// Millis is a time the API writes as epoch milliseconds (msg_ctime).
type Millis struct{ time.Time }

// MarshalJSON writes epoch milliseconds; the zero Millis is written as 0,
// as UnmarshalJSON reads it. It is there for users who store a SendResult
// as JSON: without it the embedded time.Time would write RFC 3339.
func (m Millis) MarshalJSON() ([]byte, error) {
	if m.IsZero() {
		return []byte("0"), nil
	}
	return strconv.AppendInt(nil, m.UnixMilli(), 10), nil
}

// UnmarshalJSON reads epoch milliseconds from a number or numeric string.
func (m *Millis) UnmarshalJSON(b []byte) error {
	var id flexInt
	if err := id.UnmarshalJSON(b); err != nil {
		return err
	}
	if id == 0 {
		*m = Millis{}
		return nil
	}
	m.Time = time.UnixMilli(int64(id)).In(shanghai())
	return nil
}

// unmarshalWithMemberCap decodes the JSON object b into v, the method-less
// form of a group or chatroom type (or a wrapper around it), then sets
// *count from the member cap under either spelling the API uses:
// "MaxMemberCount" (groups) or "max_member_count" (chatrooms, cross
// user-groups). The spelling v's own field is not tagged with may also be a
// numeric string. Typical use:
//
//	func (r *Chatroom) UnmarshalJSON(b []byte) error {
//		type plain Chatroom
//		return unmarshalWithMemberCap(b, (*plain)(r), &r.MaxMemberCount)
//	}
func unmarshalWithMemberCap(b []byte, v any, count *int) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var caps struct {
		Pascal *flexInt `json:"MaxMemberCount"`
		Snake  *flexInt `json:"max_member_count"`
	}
	if err := json.Unmarshal(b, &caps); err != nil {
		return err
	}
	switch {
	case caps.Pascal != nil:
		*count = int(*caps.Pascal)
	case caps.Snake != nil:
		*count = int(*caps.Snake)
	}
	return nil
}
