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
	"quire/app/httpapi"
)

// Request bodies are bounded in size and in time. In size: no request may carry more than the
// largest upload and its envelope, refused from its Content-Length before a byte is read, and
// each reader sets its own, smaller limit (httpapi.LimitBody). In time: a body must arrive within
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
func (s *Server) maxBody() int64 { return max(s.cfg.MaxUploadMB<<20+1<<20, httpapi.MaxBodyBytes) }

// paceBody puts every request body on its pace before any route sees it, whether or not the
// route reads it: the connection's read deadline is set at once to what the body's first bytes
// are given (grace, then one chunk at the rate), and each read moves it on (pacedBody). So a
// route that answers without reading the body (a 401, 404, 405, 429, a redirect, a GET) is not
// held by it either: net/http reads what is left of such a body, up to 256 KB, after the answer,
// and the deadline bounds that read. The answer says Connection: close until the body has been
// read to its end, so that net/http sends it without first waiting for the rest, and closes the
// connection after it instead of taking the unread body for the next request.
//
// A GET (and so a HEAD) is served as if it had no body: no GET route reads one (RFC 9110, 9.3.1:
// content in a GET has no defined meaning), so a body declared on one is neither judged (no 413)
// nor waited for, and the route answers as it would without it.
func (s *Server) paceBody(w http.ResponseWriter, r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	start := time.Now()
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(start.Add(s.pace.allowed(0))) // not supported: the body is only bounded in size
	w.Header().Set("Connection", "close")
	r = r.WithContext(r.Context()) // a copy: net/http keeps the request it read
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		r.Body, r.ContentLength, r.TransferEncoding = http.NoBody, 0, nil
		return r
	}
	r.Body = &pacedBody{body: r.Body, rc: rc, header: w.Header(), start: start, pace: s.pace}
	return r
}

// allowed is the time a body may take from its start to its next read, n bytes having arrived.
func (p bodyPace) allowed(n int64) time.Duration {
	return p.grace + time.Duration(float64(n+paceChunk)/float64(p.rate)*float64(time.Second))
}

// boundBodies refuses a body declared larger than any route accepts, before reading it; each
// route then sets its own, smaller limit (httpapi.LimitBody). It runs behind authentication and the
// rate limit (NewServer), so that only a request that may be served has its body judged.
func (s *Server) boundBodies(c *gin.Context) {
	if err := httpapi.LimitBody(c, s.maxBody(), api.TooLarge("The request body is over the largest accepted, %d MB (the upload limit and its form).",
		s.maxBody()>>20)); err != nil {
		c.Error(err)
		c.Abort()
	}
}

// pacedBody is a request body whose reads must keep to a pace: each read gets a read deadline
// of start + grace + (bytes so far + paceChunk) / rate. Once the body is read to its end the
// deadline is lifted, so that the server's watch for a client hanging up, which reads the
// connection while the handler runs, is not cut short, and the answer's Connection: close is
// taken back, so that the connection may serve the next request. (Every reader that wants the
// connection closed, such as one that stops at a limit, stops before the end.)
type pacedBody struct {
	body   io.ReadCloser
	rc     *http.ResponseController
	header http.Header // the answer's, for its Connection
	start  time.Time
	pace   bodyPace
	n      int64
	ended  bool
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if p.ended {
		return p.body.Read(b)
	}
	_ = p.rc.SetReadDeadline(p.start.Add(p.pace.allowed(p.n))) // not supported: the body is only bounded in size
	n, err := p.body.Read(b)
	p.n += int64(n)
	switch {
	case errors.Is(err, io.EOF):
		p.ended = true
		_ = p.rc.SetReadDeadline(time.Time{})
		p.header.Del("Connection")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, &api.Error{Code: api.CodeRequestTimeout, Message: fmt.Sprintf("The request body arrived too slowly: "+
			"%d bytes in %.0f seconds. A body must arrive within %.0f seconds plus one second per %d KB (at least %d KB/s); "+
			"nothing was changed.", p.n, time.Since(p.start).Seconds(), p.pace.grace.Seconds(), p.pace.rate>>10, p.pace.rate>>10)}
	}
	return n, err
}

func (p *pacedBody) Close() error { return p.body.Close() }
