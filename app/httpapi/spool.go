package httpapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// An answer too large to hold in memory (a whole list, a large page, a CSV export) is read from
// the database into a Spool first, and sent from it once reading is over. Reading holds the read
// transaction (a database snapshot) and the memory of one batch only for as long as the database
// takes; the client, however slowly it reads, holds only the spool: at most spoolMemory of memory
// and a file that nothing else needs. So a slow client never keeps a snapshot open (which would
// also keep SQLite from starting its WAL over) nor holds what another request waits for, and an
// error while reading is answered as an error, since nothing has been sent yet.

const (
	// spoolMemory is the most of an answer that its spool keeps in memory, when the budget has
	// room for it; the rest waits in a file.
	spoolMemory = 1 << 20
	// sendPiece is how much of a spooled answer is written to the client at once.
	sendPiece = 32 << 10
	// writeWait is how long a client may take to accept one piece of an answer before the
	// answer is abandoned and its connection closed, so that a client that stops reading does
	// not hold its spool for ever.
	writeWait = time.Minute
)

// Spool holds one answer between reading and sending: its first minReserve bytes in memory, up
// to spoolMemory when the budget's share of waiting answers has room for it (taken without
// waiting), and the rest in a file in the budget's directory that is removed from the directory
// as soon as it is made, so that a crash leaves nothing behind. It is used by one goroutine.
// Call Close when the answer is done.
type Spool struct {
	budget  *Budget
	mem     []byte
	limit   int  // how much mem may hold
	asked   bool // whether the budget was asked for spoolMemory
	release func()
	file    *os.File
	fw      *bufio.Writer
	n       int64
	err     error // the first error of a write; every later one returns it
}

// NewSpool returns an empty spool whose memory counts against b (nil: against nothing).
func (b *Budget) NewSpool() *Spool {
	return &Spool{budget: b, limit: minReserve, release: func() {}}
}

// Len returns how many bytes were written.
func (s *Spool) Len() int64 { return s.n }

// Write keeps p; its errors are those of the file.
func (s *Spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	total := len(p)
	if s.file == nil {
		if len(s.mem)+len(p) > s.limit && !s.asked {
			s.asked = true
			if release, ok := s.budget.tryHold(spoolMemory); ok {
				s.release, s.limit = release, spoolMemory
				s.mem = append(make([]byte, 0, spoolMemory), s.mem...)
			}
		}
		k := min(len(p), s.limit-len(s.mem))
		s.mem = append(s.mem, p[:k]...)
		s.n += int64(k)
		if p = p[k:]; len(p) == 0 {
			return total, nil
		}
		if s.err = s.spill(); s.err != nil {
			return total - len(p), s.err
		}
	}
	k, err := s.fw.Write(p)
	s.n += int64(k)
	if err != nil {
		s.err = fmt.Errorf("spool an answer: %w", err)
		return total - len(p) + k, s.err
	}
	return total, nil
}

// spill opens the spool's file.
func (s *Spool) spill() error {
	dir := s.budget.spillDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("spool an answer: %w", err)
	}
	f, err := os.CreateTemp(dir, "answer-*")
	if err != nil {
		return fmt.Errorf("spool an answer: %w", err)
	}
	// Unlinked at once: the file lives while it is open, and no crash can leave it behind.
	if err := os.Remove(f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		f.Close()
		return fmt.Errorf("spool an answer: %w", err)
	}
	s.file, s.fw = f, bufio.NewWriterSize(f, sendPiece)
	return nil
}

// Close lets go of the spool's memory and file.
func (s *Spool) Close() {
	s.mem = nil
	s.release()
	s.release = func() {}
	if s.file != nil {
		s.file.Close()
		s.file, s.fw = nil, nil
	}
}

// Send answers what the spool holds: status 200 with its Content-Length and the headers set on c
// before, then the bytes, a piece at a time, each of which the client must accept within
// writeWait. The spool's memory is given back once the bytes it held are sent. When a write to
// the spool had failed, or its file cannot be flushed, the error is recorded on c and nothing is
// sent, so that it is answered as an error. A client that goes away or stops reading ends the
// answer (its connection is closed, its Content-Length unmet); a file that cannot be read back
// breaks the connection (AbortAnswer).
func (s *Spool) Send(c *gin.Context) {
	if s.err == nil && s.fw != nil {
		if err := s.fw.Flush(); err != nil {
			s.err = fmt.Errorf("spool an answer: %w", err)
		}
	}
	if s.err != nil {
		c.Error(s.err)
		return
	}
	c.Header("Content-Length", strconv.FormatInt(s.n, 10))
	c.Status(http.StatusOK)
	rc := http.NewResponseController(c.Writer)
	send := func(p []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeWait)) // not every writer has deadlines
		_, err := c.Writer.Write(p)
		return err == nil
	}
	for len(s.mem) > 0 {
		k := min(len(s.mem), sendPiece)
		if !send(s.mem[:k]) {
			return
		}
		s.mem = s.mem[k:]
	}
	s.mem = nil
	s.release()
	s.release = func() {}
	if s.file != nil {
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			AbortAnswer(c, fmt.Errorf("read a spooled answer: %w", err))
		}
		buf := make([]byte, sendPiece)
		for {
			k, err := io.ReadFull(s.file, buf)
			if k > 0 && !send(buf[:k]) {
				return
			}
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				AbortAnswer(c, fmt.Errorf("read a spooled answer: %w", err))
			}
		}
	}
	// The last bytes go out under the deadline too; then the connection, which may serve
	// another request, has none.
	_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
	if err := rc.Flush(); err != nil {
		return
	}
	_ = rc.SetWriteDeadline(time.Time{})
}

// SendBytes answers body with status 200 and contentType at the client's pace, as Send does: a
// body of more than minReserve bytes counts against the share of waiting answers while it is
// sent, and when that share is full it is sent from a spool instead (whose file holds it), so
// that slow clients hold no more memory than the budget allows.
func (b *Budget) SendBytes(c *gin.Context, contentType string, body []byte) {
	c.Header("Content-Type", contentType)
	if len(body) <= minReserve {
		c.Data(http.StatusOK, contentType, body)
		return
	}
	s := b.NewSpool()
	defer s.Close()
	if release, ok := b.tryHold(int64(len(body))); ok {
		s.mem, s.n, s.release, s.asked = body, int64(len(body)), release, true
	} else if _, err := s.Write(body); err != nil {
		c.Error(err)
		return
	}
	s.Send(c)
}

// AbortAnswer breaks the connection of an answer under way, so that the client sees a failed
// transfer, never a shorter answer that looks whole. The error is recorded on c, for the log.
func AbortAnswer(c *gin.Context, err error) {
	if err != nil {
		c.Error(err)
	}
	panic(http.ErrAbortHandler)
}
