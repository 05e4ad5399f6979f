package api

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// storedTimeLayout is fixed-width, so that text order in the database is time order (cursors and
// `since` filters compare stored text).
const storedTimeLayout = "2006-01-02T15:04:05.000000Z"

// Time is a UTC instant. It is stored as fixed-width text and answered as ISO 8601 to the second
// with a Z, as Papyrs does ("2013-02-06T13:06:23Z").
type Time struct{ time.Time }

// NewTime returns t in UTC, cut to the microsecond the database keeps.
func NewTime(t time.Time) Time { return Time{t.UTC().Truncate(time.Microsecond)} }

// MarshalJSON writes the time to the second in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// UnmarshalJSON reads an RFC 3339 time.
func (t *Time) UnmarshalJSON(b []byte) error {
	parsed, err := ParseTime(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// Value stores the time as fixed-width text.
func (t Time) Value() (driver.Value, error) { return t.Key(), nil }

// Key returns the time as stored, for cursors that compare with stored text.
func (t Time) Key() string { return t.UTC().Format(storedTimeLayout) }

// Scan reads a time stored by Value.
func (t *Time) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		*t = NewTime(v)
		return nil
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("scan time %q: %w", s, err)
	}
	*t = NewTime(parsed)
	return nil
}

// ParseTime reads a client's ISO 8601 time: RFC 3339 with a zone, or a date alone (midnight UTC).
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if parsed, err := time.Parse(layout, s); err == nil {
			return NewTime(parsed), nil
		}
	}
	return Time{}, fmt.Errorf("%q is not an ISO 8601 time such as 2026-11-25T09:00:00Z", s)
}

// UserRef names the author of something: {"id": 3, "name": "Ada Lovelace"}.
type UserRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}
