package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/people"
)

// maxReplayBody bounds an answer kept for replay; for a larger one only the fact that the
// request was done is kept, and a retry is told so.
const maxReplayBody = 4 << 20

var errAnswerNotKept = api.Conflict("A request with this Idempotency-Key was already done, but its answer was too large to keep; fetch the result with a GET, and use a new key for a new request.")

var errKeyReused = api.Conflict("This Idempotency-Key was used with a different request in the last 24 hours; use a new key for a new request.")

// idempotency replays the first answer to a POST retried with the same Idempotency-Key by the
// same caller within 24 hours, and refuses the key with a different request (method, path and
// body, hashed as they stream, so uploads are not held in memory). A server error frees the key.
func (s *Server) idempotency(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" || c.Request.Method != http.MethodPost {
		c.Next()
		return
	}
	if len(key) > 255 {
		c.Error(api.Invalid("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 characters long."))
		c.Abort()
		return
	}
	ctx := c.Request.Context()
	actor := people.ActorFrom(ctx)
	caller := "user:" + strconv.FormatInt(actor.User.ID, 10)
	if actor.Token != nil {
		caller = "token:" + strconv.FormatInt(actor.Token.ID, 10)
	}
	fp := sha256.New()
	io.WriteString(fp, c.Request.Method+" "+api.PathPrefix(ctx)+c.Request.URL.RequestURI()+"\n")
	stored, err := s.People.ClaimIdempotencyKey(ctx, caller, key)
	if err != nil {
		c.Error(err)
		c.Abort()
		return
	}
	if stored != nil {
		// Hash the retry's body to compare it; boundBodies limits what it may carry.
		io.Copy(fp, c.Request.Body)
		switch {
		case stored.Status == 0:
			c.Error(people.ErrKeyInProgress)
		case stored.Fingerprint != hex.EncodeToString(fp.Sum(nil)):
			c.Error(errKeyReused)
		case stored.ContentType == people.TooLargeToKeep:
			c.Error(errAnswerNotKept)
		default:
			c.Header("Idempotent-Replayed", "true")
			c.Data(stored.Status, stored.ContentType, stored.Body)
		}
		c.Abort()
		return
	}
	// The key is settled even when the client has gone away meanwhile.
	ctx = context.WithoutCancel(ctx)
	defer func() {
		if v := recover(); v != nil {
			s.People.ReleaseIdempotencyKey(ctx, caller, key)
			panic(v)
		}
	}()
	c.Request.Body = &teeBody{ReadCloser: c.Request.Body, h: fp}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()
	s.answerRecordedError(c) // so that the recorder sees error answers too
	if rec.Status() >= 500 {
		if err := s.People.ReleaseIdempotencyKey(ctx, caller, key); err != nil {
			s.log.Error("release idempotency key", "request_id", requestID(c), "error", err.Error())
		}
		return
	}
	answer := people.IdempotentAnswer{Fingerprint: hex.EncodeToString(fp.Sum(nil)),
		Status: rec.Status(), ContentType: rec.Header().Get("Content-Type"), Body: rec.body.Bytes()}
	if rec.overflow {
		answer.ContentType, answer.Body = people.TooLargeToKeep, nil
	}
	err = s.People.FinishIdempotencyKey(ctx, caller, key, answer)
	if err != nil {
		s.log.Error("store idempotent answer", "request_id", requestID(c), "error", err.Error())
	}
}

// teeBody hashes a request body as the handler reads it.
type teeBody struct {
	io.ReadCloser
	h hash.Hash
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.h.Write(p[:n])
	return n, err
}

// recorder keeps a copy of the answer written, up to maxReplayBody.
type recorder struct {
	gin.ResponseWriter
	body     bytes.Buffer
	overflow bool
}

func (r *recorder) Write(p []byte) (int, error) {
	r.keep(p)
	return r.ResponseWriter.Write(p)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.keep([]byte(s))
	return r.ResponseWriter.WriteString(s)
}

func (r *recorder) keep(p []byte) {
	if r.body.Len()+len(p) > maxReplayBody {
		r.overflow = true
		return
	}
	r.body.Write(p)
}
