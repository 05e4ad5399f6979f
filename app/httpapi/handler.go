package httpapi

import "github.com/gin-gonic/gin"

// Handler is an HTTP handler that returns its error instead of answering it: parse the request,
// call the operation, answer its result, or return the error.
type Handler func(c *gin.Context) error

// Handle adapts h to gin. An error h returns is recorded on c, and the one error writer (app's
// writeErrors middleware, through its table of codes and statuses) answers it: JSON on API
// routes, an HTML page on web routes. h must not have answered anything when it returns an
// error.
func Handle(h Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			_ = c.Error(err)
		}
	}
}
