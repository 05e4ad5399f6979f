package httpapi

import "github.com/gin-gonic/gin"

// KeyRate is the gin context key where the rate limiter records the rate applied, as "N/DURATION".
const KeyRate = "quire.rate"

const keySuccessField = "quire.success_field"

// WithSuccessField marks a route whose error answers carry "success": false, as Papyrs' people
// writes do.
func WithSuccessField(c *gin.Context) { c.Set(keySuccessField, true) }

// WantsSuccessField reports whether the route asked for WithSuccessField.
func WantsSuccessField(c *gin.Context) bool { return c.GetBool(keySuccessField) }
