package httpapi

import (
	"errors"
	"net/http"
	"quire/app/api"

	"github.com/gin-gonic/gin"
)

// LimitBody bounds the body of c's request to limit bytes. A declared Content-Length over the
// limit is refused before a byte is read: it returns tooLarge, and the connection closes after
// the answer, so that the rest of the body is never read. Otherwise reading stops at the limit
// with an error that ReadError turns into tooLarge. Every reader of a request body calls it
// first, so nothing reads past a limit.
func LimitBody(c *gin.Context, limit int64, tooLarge *api.Error) error {
	if c.Request.ContentLength > limit {
		c.Header("Connection", "close")
		return tooLarge
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	return nil
}

// ReadError returns the answer to err, an error met reading a request body: tooLarge past the
// limit that LimitBody set (the connection then closes, unread), the body's own error when it
// carries a code (one that arrives too slowly is a request_timeout), and otherwise an
// invalid_request on field that says the body broke off. The reader's own text (net/http's
// "invalid byte in chunk length", a socket's address) is not shown: it speaks of Quire's
// insides, not of what the client can change.
func ReadError(c *gin.Context, err error, tooLarge *api.Error, field string) error {
	var over *http.MaxBytesError
	var coded *api.Error
	switch {
	case errors.As(err, &over):
		c.Header("Connection", "close")
		return tooLarge
	case errors.As(err, &coded):
		return coded
	}
	return api.Invalid(field, "The request body could not be read to its end: the connection broke off, or its "+
		"transfer encoding is broken. Send the request again.")
}
