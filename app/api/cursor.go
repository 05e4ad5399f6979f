package api

import "strconv"

// errNotCursor is a cursor that no list of this server gave out, or another list's.
func errNotCursor() *Error {
	return Invalid("cursor", "Parameter \"cursor\" is not a cursor of this list; start again without it.")
}

// CursorID reads a cursor key that is an id, as a list writes it (strconv.FormatInt of an id,
// at least 1). Anything else is a validation error on "cursor", so that a client is told its
// cursor is not one of this list's rather than given a list started again or cut short.
func CursorID(key string) (int64, error) {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != key {
		return 0, errNotCursor()
	}
	return id, nil
}

// CursorTime reads a cursor key that is a time, as a list writes it (Time.Key). Anything else is
// a validation error on "cursor".
func CursorTime(key string) (Time, error) {
	t, err := ParseTime(key)
	if err != nil || t.Key() != key {
		return Time{}, errNotCursor()
	}
	return t, nil
}
