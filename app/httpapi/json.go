package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/gin-gonic/gin"
)

// JSONType is the Content-Type of every JSON answer.
const JSONType = "application/json; charset=utf-8"

// JSON answers v as JSON with status, encoded as gin's c.JSON encodes it (encoding/json), in one
// piece with its Content-Length. c.JSON sends none, so net/http sends an answer of more than 2 KB
// chunked, which clients that show progress or check completeness cannot use. Answers too large
// to hold in memory are streamed instead (StreamList, Spool.Send), also with their length. An
// error of encoding is c's error (a 500) and nothing is sent.
func JSON(c *gin.Context, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(status, JSONType, body)
}
