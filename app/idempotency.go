package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/idempotency"
	"quire/app/sqldb"
	"quire/people"
)

// maxReplayBody bounds an answer kept for replay; for a larger one only the fact that the
// request was done is kept, and a retry is told so.
const maxReplayBody = 4 << 20

// answerPatience is how long keeping an answer waits for the database's write lock while
// another process holds it (each try waits the busy timeout, 5 s); the client waits with it.
const answerPatience = 30 * time.Second

// answerPending is how long after its change committed a request's answer counts as still being
// kept (the answer is built, then kept, waiting up to answerPatience); after that, a record
// without an answer means the answer was lost.
const answerPending = 2 * answerPatience

var errAnswerNotKept = api.Conflict("A request with this Idempotency-Key was already done, but its answer was too large to keep; fetch the result with a GET, and use a new key for a new request.")

var errAnswerLost = api.Conflict("A request with this Idempotency-Key was already done: its change is saved, but its answer was lost (the server stopped before keeping it). Do not send it again with a new key; fetch the result with a GET.")

var errKeyReused = api.Conflict("This Idempotency-Key was used with a different request in the last 24 hours; use a new key for a new request.")

// keys is the store of the keys' records and answers.
func (s *Server) keys() *idempotency.Store { return &idempotency.Store{DB: s.DB} }

// crashHook, when set (by tests), is called at the points of a keyed request where a crash
// matters: "recorded" (the key's record is in the change's transaction, not yet committed),
// "committed" (the change and the record committed, the answer not yet kept) and "kept" (the
// answer kept, not yet sent); and at "keep-refused", when another process's write lock refused a
// try to keep the answer.
var crashHook func(point string)

func crashPoint(point string) {
	if crashHook != nil {
		crashHook(point)
	}
}

// idempotency makes a POST with an Idempotency-Key happen at most once per caller and key in 24
// hours. The key's record commits in the same transaction as the request's change (sqldb.Outcome),
// so that a crash at any point leaves either both or neither: a retry then replays the answer
// (status and body), or says the change is done but its answer was lost, or, when nothing
// committed, runs the request for the first time. The answer is kept before any of it is sent,
// so a client that has seen an answer gets it again on a retry; only a crash between the commit
// and the keeping (the time to build the answer and write it down) loses it. An answer larger
// than maxReplayBody is not kept: that it was too large is, as soon as it grows past the bound.
// A request that changes nothing keeps its answer for replay when it read its whole body and
// answered below 500 (413 and 408 excepted); otherwise nothing is kept and a retry runs again.
// The same key with another request (method, path or body) is a 409. A retry's body is compared
// without reading past the first request's size. A claim of an older version that is abandoned
// (idempotency.Answer.Abandoned) frees its key: the request runs.
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
	head := c.Request.Method + " " + httpapi.PathPrefix(ctx) + c.Request.URL.RequestURI() + "\n"
	stored, err := s.keys().Find(ctx, s.DB.R, caller, key)
	if err == nil && stored != nil && stored.Abandoned(s.DB.Now()) {
		stored = nil
	}
	if err == nil && stored != nil {
		err = s.answerRetry(c, head, stored)
	}
	if err != nil || stored != nil {
		if err != nil {
			c.Error(err)
		}
		c.Abort()
		return
	}

	kr := &keyedRequest{s: s, c: c, caller: caller, key: key, body: newHashedBody(c.Request.Body, head)}
	c.Request.Body = kr.body
	c.Request = c.Request.WithContext(sqldb.WithOutcome(ctx, kr))
	// The key is settled even when the client has gone away meanwhile; keeping it is a write of
	// its own, outside the request's Outcome.
	keepCtx := context.WithoutCancel(ctx)
	kept := false
	keep := func(answer idempotency.Answer) {
		kept = true
		if err := s.keepAnswer(keepCtx, caller, key, answer, kr.committed); err != nil {
			s.log.Error("keep idempotent answer", "request_id", requestID(c), "error", err.Error())
			return
		}
		crashPoint("kept")
	}
	rec := &recorder{ResponseWriter: c.Writer, holding: true}
	rec.onOverflow = func() {
		if kr.committed {
			keep(idempotency.Answer{Fingerprint: kr.body.fingerprint(), Status: rec.Status(), ContentType: idempotency.TooLargeToKeep})
		}
	}
	c.Writer = rec
	defer rec.release() // what is held is sent, whatever happens (a panic's 500 passes on after it)
	c.Next()
	s.answerRecordedError(c) // so that the recorder sees error answers too

	status := rec.Status()
	answer := idempotency.Answer{Fingerprint: kr.body.fingerprint(), Status: status,
		ContentType: rec.Header().Get("Content-Type"), Body: rec.body.Bytes()}
	if rec.overflow {
		answer.ContentType, answer.Body = idempotency.TooLargeToKeep, nil
	}
	switch {
	case kept:
	case kr.committed && status >= 500:
		// The change is done but the answer is an error: a retry is told the answer was lost.
	case !kr.committed && (status >= 500 || status == http.StatusRequestEntityTooLarge ||
		status == http.StatusRequestTimeout || !kr.body.ended):
		// Nothing changed and the request was not read whole: a retry runs anew.
	default:
		keep(answer)
	}
}

// keepAnswer stores the answer of caller's request with key (idempotency.Store.StoreAnswer),
// asking again while another process holds the database's write lock, for up to answerPatience.
func (s *Server) keepAnswer(ctx context.Context, caller, key string, answer idempotency.Answer, changed bool) error {
	start := time.Now()
	for {
		try := time.Now()
		err := s.keys().StoreAnswer(ctx, caller, key, answer, changed)
		if err == nil || !sqldb.IsBusy(err) || time.Since(start) >= answerPatience {
			return err
		}
		crashPoint("keep-refused")
		if wait := time.Second - time.Since(try); wait > 0 {
			time.Sleep(wait) // a lock refused at once (not after the busy timeout) is not asked for in a loop
		}
	}
}

// answerRetry answers a request whose key has a record: the first answer replayed, or the 409
// that says why it cannot be.
func (s *Server) answerRetry(c *gin.Context, head string, stored *idempotency.Answer) error {
	same, err := s.sameRequest(c, head, stored.Fingerprint)
	switch {
	case err != nil:
		return err
	case !same:
		return errKeyReused
	case stored.OlderClaim(), stored.Status == 0 && s.DB.Now().Sub(stored.CreatedAt) < answerPending:
		// An older version's claim that is not yet abandoned says only that its request may
		// still run; today's record without an answer, that the answer is being kept.
		return idempotency.ErrKeyInProgress
	case stored.Status == 0:
		return errAnswerLost
	case stored.ContentType == idempotency.TooLargeToKeep:
		return errAnswerNotKept
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(stored.Status, stored.ContentType, stored.Body)
	return nil
}

// sameRequest reports whether the request is the one whose fingerprint is kept. It reads the
// body no further than the first request's size (plus one byte to see that it is longer), and
// not at all when the declared Content-Length differs.
func (s *Server) sameRequest(c *gin.Context, head, fingerprint string) (bool, error) {
	if fingerprint == "" {
		return true, nil // a record of an older version, made before its request ran
	}
	sum, sizeText, sized := strings.Cut(fingerprint, ":")
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if !sized || err != nil {
		size = s.maxBody() // an older version's record: compare up to the largest body
	} else if cl := c.Request.ContentLength; cl >= 0 && cl != size {
		return false, nil
	}
	h := sha256.New()
	io.WriteString(h, head)
	n, err := io.Copy(h, io.LimitReader(c.Request.Body, size+1))
	if err != nil {
		return false, httpapi.ReadError(c, err, api.TooLarge("The request body is over the largest accepted."), "")
	}
	return (!sized || n == size) && hex.EncodeToString(h.Sum(nil)) == sum, nil
}

// keyedRequest is the sqldb.Outcome of a request with an Idempotency-Key: the record that its
// change is done, committed in the change's transaction.
type keyedRequest struct {
	s           *Server
	c           *gin.Context
	caller, key string
	body        *hashedBody
	committed   bool
}

// Prepare reads what the handler left of the body, so that the fingerprint covers all of it; it
// runs before the write lock is taken. It reads through the request's outermost reader, which
// carries the limit the handler set (httpapi.LimitBody), and never past it: over it is a 413 and
// nothing is changed. A handler that set no limit of its own read no body (only JSON and form
// bodies, and uploads, are read), and what it left is held to the limit of JSON and form bodies.
func (k *keyedRequest) Prepare(ctx context.Context) error {
	if k.committed || k.body.ended {
		return nil
	}
	body := k.c.Request.Body
	if body == io.ReadCloser(k.body) {
		body = http.MaxBytesReader(k.c.Writer, body, httpapi.MaxBodyBytes)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		limit := int64(httpapi.MaxBodyBytes)
		if over := (*http.MaxBytesError)(nil); errors.As(err, &over) {
			limit = over.Limit
		}
		return httpapi.ReadError(k.c, err, api.TooLarge("The request body is over this request's limit of %s.", sizeText(limit)), "")
	}
	return nil
}

// sizeText writes a limit in bytes as people read it: "2 MB", "64 KB", "100 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Record adds the key's record to the change's transaction, once per request.
func (k *keyedRequest) Record(ctx context.Context, tx *sql.Tx) error {
	if k.committed {
		// Every write request is one transaction; one that is not is done once only up to
		// its first commit.
		k.s.log.Warn("a request with an Idempotency-Key committed a second transaction", "request_id", requestID(k.c),
			"path", k.c.FullPath())
		return nil
	}
	if err := k.s.keys().RecordChange(ctx, tx, k.caller, k.key, k.body.fingerprint()); err != nil {
		return err
	}
	crashPoint("recorded")
	return nil
}

// Committed notes that the change and the key's record are saved.
func (k *keyedRequest) Committed() {
	if !k.committed {
		k.committed = true
		crashPoint("committed")
	}
}

// hashedBody hashes a request body, after the request's method and path, as it is read.
type hashedBody struct {
	io.ReadCloser
	h     hash.Hash
	n     int64
	ended bool
}

func newHashedBody(body io.ReadCloser, head string) *hashedBody {
	b := &hashedBody{ReadCloser: body, h: sha256.New()}
	io.WriteString(b.h, head)
	return b
}

func (b *hashedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	if errors.Is(err, io.EOF) {
		b.ended = true
	}
	return n, err
}

// fingerprint is "SHA256:SIZE" of what was read.
func (b *hashedBody) fingerprint() string {
	return hex.EncodeToString(b.h.Sum(nil)) + ":" + strconv.FormatInt(b.n, 10)
}

// recorder holds the answer that the handler writes, up to maxReplayBody, so that it can be
// kept for replay before any of it is sent; release sends it. An answer that grows past the
// bound is passed on as it comes (after onOverflow has run), and overflow is set.
type recorder struct {
	gin.ResponseWriter
	body       bytes.Buffer
	holding    bool // nothing is sent yet: the answer is held in body
	started    bool // an answer was written while held (perhaps with no body)
	overflow   bool
	onOverflow func()
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.holding {
		r.started = true
		if r.body.Len()+len(p) <= maxReplayBody {
			return r.body.Write(p)
		}
		r.overflow = true
		if r.onOverflow != nil {
			r.onOverflow()
		}
		if err := r.release(); err != nil {
			return 0, err
		}
	}
	return r.ResponseWriter.Write(p)
}

func (r *recorder) WriteString(s string) (int, error) { return r.Write([]byte(s)) }

// WriteHeaderNow sends the status and headers, unless the answer is held.
func (r *recorder) WriteHeaderNow() {
	if r.holding {
		r.started = true
		return
	}
	r.ResponseWriter.WriteHeaderNow()
}

// Flush sends what was written, unless the answer is held.
func (r *recorder) Flush() {
	if !r.holding {
		r.ResponseWriter.Flush()
	}
}

// Written reports whether an answer was written, held or sent.
func (r *recorder) Written() bool { return r.started || r.ResponseWriter.Written() }

// release sends the held answer and passes everything written afterwards straight on.
func (r *recorder) release() error {
	if !r.holding {
		return nil
	}
	r.holding = false
	if !r.started {
		return nil
	}
	if r.body.Len() == 0 {
		r.ResponseWriter.WriteHeaderNow()
		return nil
	}
	_, err := r.ResponseWriter.Write(r.body.Bytes())
	return err
}
