package api

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/sqldb"
)

// Every list endpoint answers through AnswerList (or StreamList for another format than JSON):
// one mechanism that reads the list in batches by its sort key and writes each batch before it
// reads the next, so that a request holds one batch however long the list is.

const (
	// batchBytes is about how much of a list one batch holds, encoded: each batch has as many
	// items as the items of the one before suggest fit in it (one when they are larger).
	batchBytes = 256 << 10
	// firstBatch is how many items the first batch reads, before the size of the list's items is
	// known, unless the list says they are small: few, since one item may be megabytes (a widget
	// version, a form record).
	firstBatch = 4
	// firstBatchBytes is the most a first batch of items of a known largest size may hold.
	firstBatchBytes = 1 << 20
	// batchGrowth bounds how much larger a batch may be than the one before.
	batchGrowth = 8
	// MaxPagedBytes bounds the answer of a list asked one page at a time (limit or cursor), which
	// is kept in memory until its Link header is known: past it the page ends early, and its Link
	// continues where it stopped.
	MaxPagedBytes = 8 << 20
	// writeWait is how long a client may take to take in one batch of a streamed list before
	// the answer is abandoned, so that a client that stops reading does not hold the list's
	// connection to the database for ever.
	writeWait = time.Minute
)

// DBTX is what a list reader reads through: the list's read transaction.
type DBTX = sqldb.DBTX

// ListReader reads one batch of a list through db, in the list's order: at most q.Limit items
// after the position q.Cursor names (none: from the start, skipping q.Offset), with everything
// the answer shows of them, and the sort key of the last one when more remain after it (nil
// when none do), which is the cursor of the next batch. It reads at most q.Limit+1 rows, and
// returns a validation error for a cursor that is not of this list.
type ListReader[T any] func(ctx context.Context, db DBTX, q ListQuery) (items []T, next []string, err error)

// List is how a list endpoint answers: what the client asked and how to read it.
type List[T any] struct {
	DB     *sqldb.DB
	Budget *Budget // nil: no bound
	Query  ListQuery
	Read   ListReader[T]
	// ItemBytes, for a list of small items, is the most one item may take (encoded), so that
	// the first batch can be as large as such items allow; 0 for items that may be megabytes
	// (widget versions, records), whose first batch is a few.
	ItemBytes int64
}

// first returns the size of the list's first batch.
func (l List[T]) first() int {
	if l.ItemBytes <= 0 {
		return firstBatch
	}
	return int(min(max(firstBatchBytes/l.ItemBytes, 1), MaxLimit))
}

// ListEncoder writes a list's items in one format.
type ListEncoder[T any] interface {
	// Header sets the answer's headers: its Content-Type and any other.
	Header(h http.Header)
	// Begin writes what comes before the first item, Item one item, End what follows the last.
	Begin(w io.Writer) error
	Item(w io.Writer, item T) error
	End(w io.Writer) error
}

// AnswerList answers the list as a bare JSON array (Papyrs' shape); see StreamList.
func AnswerList[T any](c *gin.Context, l List[T]) {
	StreamList(c, l, &jsonArray[T]{})
}

// StreamList answers the list in enc's format.
//
// The whole list (no limit, no cursor) is read in one read transaction, so that it is the list
// as it was at one instant, in batches, each written and flushed before the next is read. An
// error in the first batch is answered as an error; one after the answer has started is recorded
// on c (for the log) and the connection is broken (panic(http.ErrAbortHandler)), so that the
// client sees a failed transfer rather than a valid but shorter list.
//
// One page (limit or cursor) is read in one transaction and answered whole, with a Link header
// to the next page when more remain; a page whose encoding passes MaxPagedBytes ends there.
//
// Either way the answer waits for room in l.Budget for the batches it holds, and is answered 503
// (for a page, or a whole list not yet started) when none comes in time.
func StreamList[T any](c *gin.Context, l List[T], enc ListEncoder[T]) {
	if l.Query.Whole() {
		streamWhole(c, l, enc)
	} else {
		answerPage(c, l, enc)
	}
}

var errReadsBusy = Busy("The server is busy sending other long answers; try again in a few seconds (see Retry-After), or ask for a page with \"limit\".")

// ReadSnapshot begins the read transaction of an answer streamed to the client
// (sqldb.DB.ReadSnapshot), waiting up to BudgetWait for a turn; when none came, it sets
// Retry-After on c and returns a 503 error to answer.
func ReadSnapshot(c *gin.Context, db *sqldb.DB) (tx *sql.Tx, done func(), err error) {
	tx, done, err = db.ReadSnapshot(c.Request.Context(), BudgetWait)
	if errors.Is(err, sqldb.ErrReadsBusy) {
		c.Header("Retry-After", strconv.Itoa(retryAfter))
		err = errReadsBusy
	}
	return tx, done, err
}

func streamWhole[T any](c *gin.Context, l List[T], enc ListEncoder[T]) {
	ctx := c.Request.Context()
	tx, done, err := ReadSnapshot(c, l.DB)
	if err != nil {
		c.Error(err)
		return
	}
	defer done()
	q := l.Query
	sizes := batchSizes{n: l.first()}
	q.Limit = sizes.n
	items, next, err := l.Read(ctx, tx, q)
	if err != nil {
		c.Error(err)
		return
	}
	enc.Header(c.Writer.Header())
	c.Status(http.StatusOK)
	w := NewAnswerWriter(c.Writer)
	if err := enc.Begin(w); err != nil {
		AbortAnswer(c, err)
	}
	// held gives back the budget of the batch under way; it runs once the batch is written, or
	// when the answer is broken off.
	held := func() {}
	defer func() { held() }()
	for {
		before := w.n
		for _, item := range items {
			if err := enc.Item(w, item); err != nil {
				AbortAnswer(c, err)
			}
		}
		sizes.record(len(items), w.n-before)
		items = nil // let the batch go before the next is read
		err := w.Flush()
		held()
		held = func() {}
		if err != nil {
			AbortAnswer(c, err)
		}
		if next == nil {
			break
		}
		q.Cursor, q.Offset, q.Limit = next, 0, sizes.next(MaxLimit)
		release, err := l.Budget.hold(ctx, sizes.estimate(q.Limit))
		if err != nil {
			AbortAnswer(c, err)
		}
		held = release
		if items, next, err = l.Read(ctx, tx, q); err != nil {
			AbortAnswer(c, err)
		}
	}
	if err := enc.End(w); err != nil {
		AbortAnswer(c, err)
	}
	if err := w.Flush(); err != nil {
		AbortAnswer(c, err)
	}
}

func answerPage[T any](c *gin.Context, l List[T], enc ListEncoder[T]) {
	ctx := c.Request.Context()
	tx, err := l.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		c.Error(err)
		return
	}
	defer tx.Rollback()
	release := func() {}
	defer func() { release() }()
	q := l.Query
	remaining := q.Limit
	sizes := batchSizes{n: l.first()}
	var buf bytes.Buffer
	w := &countingWriter{w: &buf}
	if err := enc.Begin(w); err != nil {
		c.Error(err)
		return
	}
	var next []string
	for {
		q.Limit = min(sizes.n, remaining)
		items, more, err := l.Read(ctx, tx, q)
		if err != nil {
			c.Error(err)
			return
		}
		before := w.n
		for _, item := range items {
			if err := enc.Item(w, item); err != nil {
				c.Error(err)
				return
			}
		}
		sizes.record(len(items), w.n-before)
		remaining -= len(items)
		next = more
		if next == nil || remaining <= 0 || w.n >= MaxPagedBytes {
			break
		}
		if sizes.batches == 1 { // the rest of the page, as its first batch suggests it will be
			if release, err = l.Budget.Reserve(c, min(MaxPagedBytes, sizes.estimate(remaining))); err != nil {
				release = func() {}
				c.Error(err)
				return
			}
		}
		q.Cursor, q.Offset = next, 0
		sizes.next(remaining)
	}
	_ = tx.Rollback() // read: let the connection go before writing
	if err := enc.End(w); err != nil {
		c.Error(err)
		return
	}
	if next != nil {
		SetNextLink(c, EncodeCursor(next...))
	}
	enc.Header(c.Writer.Header())
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(buf.Bytes()) // an error here is the client gone
}

// AbortAnswer breaks the connection of an answer under way, so that the client sees a failed
// transfer, never a shorter answer that looks whole. An error other than the client going away
// is recorded on c, for the log.
func AbortAnswer(c *gin.Context, err error) {
	if err != nil && c.Request.Context().Err() == nil && !isWriteError(err) {
		c.Error(err)
	}
	panic(http.ErrAbortHandler)
}

// writeError marks an error of writing to the client, which is the client's doing.
type writeError struct{ error }

func (e writeError) Unwrap() error { return e.error }

func isWriteError(err error) bool {
	var we writeError
	return errors.As(err, &we)
}

// batchSizes sizes a list's batches so that each holds about batchBytes.
type batchSizes struct {
	n       int // items in the next batch
	batches int
	items   int64
	bytes   int64
	avg     int64 // bytes of an item of the last batch, on average
}

func (s *batchSizes) record(items int, bytes int64) {
	s.batches++
	if items > 0 {
		s.items += int64(items)
		s.bytes += bytes
		s.avg = max(bytes/int64(items), 1)
	}
}

// next returns the size of the next batch, at most most.
func (s *batchSizes) next(most int) int {
	if s.avg > 0 {
		s.n = int(min(max(batchBytes/s.avg, 1), int64(s.n)*batchGrowth, int64(MaxLimit)))
	}
	s.n = max(min(s.n, most), 1)
	return s.n
}

// estimate returns how many bytes n items will take, going by the last batch.
func (s *batchSizes) estimate(n int) int64 { return int64(n) * s.avg }

// AnswerWriter buffers an answer streamed to the client and counts what was written; each Flush
// sends what is buffered and gives the client writeWait to take it. Its errors are the client's.
type AnswerWriter struct {
	bw *bufio.Writer
	rc *http.ResponseController
	n  int64
}

// NewAnswerWriter returns a writer of the answer on w, whose headers are written.
func NewAnswerWriter(w gin.ResponseWriter) *AnswerWriter {
	aw := &AnswerWriter{bw: bufio.NewWriterSize(w, 32<<10), rc: http.NewResponseController(w)}
	_ = aw.rc.SetWriteDeadline(time.Now().Add(writeWait)) // not every writer has deadlines
	return aw
}

func (w *AnswerWriter) Write(p []byte) (int, error) {
	n, err := w.bw.Write(p)
	w.n += int64(n)
	if err != nil {
		err = writeError{err}
	}
	return n, err
}

// Flush sends what is buffered.
func (w *AnswerWriter) Flush() error {
	_ = w.rc.SetWriteDeadline(time.Now().Add(writeWait))
	if err := w.bw.Flush(); err != nil {
		return writeError{err}
	}
	if err := w.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return writeError{err}
	}
	return nil
}

// countingWriter counts what it passes on.
type countingWriter struct {
	w io.Writer
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.n += int64(n)
	return n, err
}

// jsonArray writes a list as a JSON array, each item as encoding/json (and so gin) writes it.
type jsonArray[T any] struct{ n int }

func (a *jsonArray[T]) Header(h http.Header) {
	h.Set("Content-Type", "application/json; charset=utf-8")
}

func (a *jsonArray[T]) Begin(w io.Writer) error {
	_, err := io.WriteString(w, "[")
	return err
}

func (a *jsonArray[T]) Item(w io.Writer, item T) error {
	b, err := json.Marshal(item)
	if err != nil {
		return err
	}
	if a.n > 0 {
		if _, err := io.WriteString(w, ","); err != nil {
			return err
		}
	}
	a.n++
	_, err = w.Write(b)
	return err
}

func (a *jsonArray[T]) End(w io.Writer) error {
	_, err := io.WriteString(w, "]")
	return err
}
