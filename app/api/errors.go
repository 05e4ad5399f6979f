// Package api is the vocabulary of Quire's API that the domain packages share: the errors a
// client can act on (API.md's codes; app maps each to a status in one table), times as the API
// writes and the database stores them, references to people, the one-line text rule, slugs, and
// list queries and their cursors. It imports no domain package and no web framework, so that
// widgets, people and pages use it without depending on HTTP; the HTTP side (request parameters,
// bodies, answers, streamed lists) is package httpapi.
package api

import "fmt"

// The error codes of API.md. app maps each to an HTTP status in one table.
const (
	CodeInvalid          = "invalid_request"
	CodeInvalidToken     = "invalid_token"
	CodeForbidden        = "forbidden"
	CodeMissingScope     = "missing_scope"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeConflict         = "conflict"
	CodeEditConflict     = "edit_conflict" // saved from a version that is no longer the newest
	CodeTooLarge         = "too_large"
	CodeRateLimited      = "rate_limited"
	CodeRequestTimeout   = "request_timeout"
	CodeUnavailable      = "unavailable"
	CodeInternal         = "internal_error"
)

// Error is an error whose message a client can act on. Domain packages declare their sentinels
// and validation errors with it; its message is shown to the client as it is.
type Error struct {
	Code    string
	Message string
	// Field names the request parameter at fault, for validation errors.
	Field string
	// Scope names the token scope that is missing, for CodeMissingScope.
	Scope string
}

func (e *Error) Error() string { return e.Message }

// ErrorCode returns the machine code of API.md, such as "not_found".
func (e *Error) ErrorCode() string { return e.Code }

// ErrorField returns the parameter at fault, or "".
func (e *Error) ErrorField() string { return e.Field }

// ErrorScope returns the missing token scope, or "".
func (e *Error) ErrorScope() string { return e.Scope }

// Invalid returns a validation error about the named field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a not-found error with the given message.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Forbidden returns a permission error with the given message.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// Conflict returns a conflict error with the given message.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// TooLarge returns an error for a body or upload over its limit.
func TooLarge(format string, args ...any) *Error {
	return &Error{Code: CodeTooLarge, Message: fmt.Sprintf(format, args...)}
}

// Busy returns the error of a request that could not get the memory it needs in time: a 503,
// which app answers with Retry-After.
func Busy(format string, args ...any) *Error {
	return &Error{Code: CodeUnavailable, Message: fmt.Sprintf(format, args...)}
}
