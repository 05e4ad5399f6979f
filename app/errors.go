package app

import (
	"errors"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/sqldb"
	"quire/templates"
)

// statuses maps each error code of API.md to its HTTP status and error type: the one table.
var statuses = map[string]struct {
	status int
	kind   string
}{
	api.CodeInvalid:          {http.StatusBadRequest, "validation_error"},
	api.CodeInvalidToken:     {http.StatusUnauthorized, "authentication_error"},
	api.CodeForbidden:        {http.StatusForbidden, "permission_error"},
	api.CodeMissingScope:     {http.StatusForbidden, "permission_error"},
	api.CodeNotFound:         {http.StatusNotFound, "not_found_error"},
	api.CodeMethodNotAllowed: {http.StatusMethodNotAllowed, "invalid_request_error"},
	api.CodeConflict:         {http.StatusConflict, "conflict_error"},
	api.CodeEditConflict:     {http.StatusConflict, "conflict_error"},
	api.CodeTooLarge:         {http.StatusRequestEntityTooLarge, "validation_error"},
	api.CodeRateLimited:      {http.StatusTooManyRequests, "rate_limit_error"},
	api.CodeRequestTimeout:   {http.StatusRequestTimeout, "invalid_request_error"},
	api.CodeUnavailable:      {http.StatusServiceUnavailable, "api_error"},
	api.CodeInternal:         {http.StatusInternalServerError, "api_error"},
}

const keyErrorLogged = "quire.error_logged"

// keyErrorAnswered marks a request whose recorded error has been answered (by the idempotency
// middleware, before writeErrors sees it).
const keyErrorAnswered = "quire.error_answered"

// keyMissingScope holds the scope a missing_scope error names, for the answer's "scope" field.
const keyMissingScope = "quire.missing_scope"

// errorBody is the error answer of API.md: Papyrs' two fields first, then Quire's.
type errorBody struct {
	Error     string `json:"error"`
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Type      string `json:"type"`
	RequestID string `json:"request_id"`
	Field     string `json:"field,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Success   *bool  `json:"success,omitempty"`
}

// coded is what domain errors implement; app finds it anywhere in an error's chain.
type coded interface {
	error
	ErrorCode() string
}

// retryAfter is the Retry-After, in seconds, of every 503 (a database locked by another process,
// no room in the memory budget for a large answer): answerError sets it, and nothing else does.
const retryAfter = "5"

// errBusy answers a write that found the database's write lock held by another process past the
// busy timeout (sqldb.IsBusy): nothing was changed, and a retry may succeed.
var errBusy = &api.Error{Code: api.CodeUnavailable, Message: "The database is busy: another program has held its " +
	"write lock for more than 5 seconds (a restore, a maintenance command or a second Quire on the same data " +
	"directory). Nothing was changed; retry after the Retry-After seconds."}

// describe returns the code, message and field a client is shown for err. Errors without a code
// are bugs: the client gets a generic message and the log gets the detail.
func describe(err error) (code, message, field string) {
	if sqldb.IsBusy(err) {
		return errBusy.Code, errBusy.Message, ""
	}
	var ce coded
	if errors.As(err, &ce) {
		if _, known := statuses[ce.ErrorCode()]; known {
			var fe interface{ ErrorField() string }
			if errors.As(err, &fe) {
				field = fe.ErrorField()
			}
			return ce.ErrorCode(), ce.Error(), field
		}
	}
	return api.CodeInternal, "Internal error. Quote the request id when you report it.", ""
}

// writeErrors is the middleware that answers the first error a handler recorded with c.Error,
// once, after the handler returns.
func (s *Server) writeErrors(c *gin.Context) {
	c.Next()
	s.answerRecordedError(c)
}

// answerRecordedError answers the first error recorded with c.Error, unless an answer was written.
func (s *Server) answerRecordedError(c *gin.Context) {
	if len(c.Errors) == 0 || c.GetBool(keyErrorAnswered) {
		return
	}
	err := c.Errors[0].Err
	if c.Writer.Written() {
		// The answer had started (a streamed export): it cannot change now, but the log must say.
		if !c.GetBool(keyErrorLogged) {
			c.Set(keyErrorLogged, true)
			s.log.Error("error after the answer started", "request_id", requestID(c), "method", c.Request.Method,
				"path", c.Request.URL.Path, "error", err.Error())
		}
		return
	}
	code, message, field := describe(err)
	switch code {
	case api.CodeInternal:
		s.log.Error("internal error", "request_id", requestID(c), "method", c.Request.Method,
			"path", c.Request.URL.Path, "error", err.Error())
	case api.CodeUnavailable:
		s.log.Warn("unavailable for now", "request_id", requestID(c), "method", c.Request.Method,
			"path", c.Request.URL.Path, "error", err.Error())
	}
	var missing interface{ ErrorScope() string }
	if code == api.CodeMissingScope && errors.As(err, &missing) {
		c.Set(keyMissingScope, missing.ErrorScope())
	}
	s.answerError(c, code, message, field)
	c.Set(keyErrorAnswered, true)
}

// answerError writes the error body with the status of code: the JSON of API.md, or on a web page
// (webHeaders) the HTML error page.
func (s *Server) answerError(c *gin.Context, code, message, field string) {
	st := statuses[code]
	if code == api.CodeUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	if c.GetBool(keyWebPage) {
		switch code {
		case api.CodeUnavailable: // the API's message speaks of its Retry-After header
			message = "The wiki is busy and cannot answer this now. Nothing was changed; try again in a few seconds."
		case api.CodeNotFound:
			// One page for every kind of absence (a subsite one is not a member of, a page that
			// does not exist or is in the trash, a folder): the page tells nothing apart.
			message = webNotFound
		}
		s.answerErrorPage(c, st.status, message)
		return
	}
	body := errorBody{Error: message, Status: st.status, Code: code, Type: st.kind, RequestID: requestID(c), Field: field,
		Scope: c.GetString(keyMissingScope)}
	if httpapi.WantsSuccessField(c) {
		f := false
		body.Success = &f
	}
	c.AbortWithStatusJSON(st.status, body)
}

// webNotFound is the message of every 404 a web page answers.
const webNotFound = "There is nothing here, or you may not see it. Check the address, or start again from the home page."

// errorPage is what the HTML error page shows.
type errorPage struct {
	Title, Message, RequestID string
}

// answerErrorPage answers a browser with the HTML error page: the status's name, the message and
// the request id, in the web pages' layout.
func (s *Server) answerErrorPage(c *gin.Context, status int, message string) {
	if err := templates.Render(c.Writer, status, "error.html", errorPage{Title: http.StatusText(status), Message: message,
		RequestID: requestID(c)}); err != nil {
		s.log.Error("error page", "request_id", requestID(c), "error", err.Error())
	}
	c.Abort()
}

// recoverPanics answers a panic with a JSON 500 carrying the request id and logs the stack.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // a streamed answer broken off on purpose
				s.answerRecordedError(c) // logs what broke it
				panic(v)
			}
			s.log.Error("panic", "request_id", requestID(c), "method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.answerError(c, api.CodeInternal, "Internal error. Quote the request id when you report it.", "")
			}
			c.Abort()
		}
	}()
	c.Next()
}
