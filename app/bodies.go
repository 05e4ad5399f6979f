package app

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
)

// Request bodies are bounded in size and in time. In size: no request may carry more than the
// largest upload and its envelope, refused from its Content-Length before a byte is read, and
// each reader sets its own, smaller limit (api.LimitBody). In time: a body must arrive within
// bodyGrace plus one second per minBodyRate bytes (an average of at least minBodyRate after the
// grace), as Apache's mod_reqtimeout does; a slower body answers 408 and its connection closes.
// A small JSON body has about ten seconds; a 100 MB upload, about an hour and three quarters.
const (
	bodyGrace   = 10 * time.Second
	minBodyRate = 16 << 10 // bytes per second
	// paceChunk is what each read of a body is given time for beyond what has arrived: a read
	// returns as soon as some bytes are there, so this only needs to cover one packet's wait.
	paceChunk = 16 << 10
)

// bodyPace is how long a request body may take: grace, then at least rate bytes a second.
type bodyPace struct {
	grace time.Duration
	rate  int64
}

// maxBody is the most any request body may carry: the largest upload and room for its form, or
// the largest JSON or form body, whichever is larger.
func (s *Server) maxBody() int64 { return max(s.cfg.MaxUploadMB<<20+1<<20, api.MaxBodyBytes) }

// boundBodies refuses a body declared larger than any route accepts, before reading it, and
// makes every other body's reads fail with a 408 error once it arrives too slowly.
func (s *Server) boundBodies(c *gin.Context) {
	r := c.Request
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	if err := api.LimitBody(c, s.maxBody(), api.TooLarge("The request body is over the largest accepted, %d MB (the upload limit and its form).",
		s.maxBody()>>20)); err != nil {
		c.Error(err)
		c.Abort()
		return
	}
	r.Body = &pacedBody{body: r.Body, rc: http.NewResponseController(c.Writer), start: time.Now(), pace: s.pace}
}

// pacedBody is a request body whose reads must keep to a pace: each read gets a read deadline
// of start + grace + (bytes so far + paceChunk) / rate. Once the body is read to its end the
// deadline is lifted, so that the server's watch for a client hanging up, which reads the
// connection while the handler runs, is not cut short.
type pacedBody struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	pace  bodyPace
	n     int64
	ended bool
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if p.ended {
		return p.body.Read(b)
	}
	allowed := p.pace.grace + time.Duration(float64(p.n+paceChunk)/float64(p.pace.rate)*float64(time.Second))
	_ = p.rc.SetReadDeadline(p.start.Add(allowed)) // not supported: the body is only bounded in size
	n, err := p.body.Read(b)
	p.n += int64(n)
	switch {
	case errors.Is(err, io.EOF):
		p.ended = true
		_ = p.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, &api.Error{Code: api.CodeRequestTimeout, Message: fmt.Sprintf("The request body arrived too slowly: "+
			"%d bytes in %.0f seconds. A body must arrive within %.0f seconds plus one second per %d KB (at least %d KB/s); "+
			"nothing was changed.", p.n, time.Since(p.start).Seconds(), p.pace.grace.Seconds(), p.pace.rate>>10, p.pace.rate>>10)}
	}
	return n, err
}

func (p *pacedBody) Close() error { return p.body.Close() }
