package httpapi

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// pattern returns n bytes that differ from one position to the next, so that a byte out of place
// shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// sendSpool answers s through a recorder, as a handler would.
func sendSpool(s *Spool) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	s.Send(c)
	return rec
}

// TestSpoolHoldsAMegabyteThenAFile: a spool keeps the first megabyte of an answer in memory when
// the budget's share of waiting answers has room for it, only the first 64 KB when it has not,
// and the rest in a file that is never seen in its directory; it sends every byte in order and
// gives its share back.
func TestSpoolHoldsAMegabyteThenAFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		budget  func(dir string) *Budget
		size    int
		wantMem int
	}{
		{"room in the budget", func(dir string) *Budget { return NewBudget(16<<20, dir) }, 3<<20 + 5, spoolMemory},
		{"no room in the budget", func(dir string) *Budget { return NewBudget(1<<20, dir) }, 3<<20 + 5, minReserve},
		{"small answer", func(dir string) *Budget { return NewBudget(16<<20, dir) }, 10_000, 10_000},
		{"just over 64 KB", func(dir string) *Budget { return NewBudget(16<<20, dir) }, minReserve + 1, minReserve + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir() + "/spool"
			b := tt.budget(dir)
			s := b.NewSpool()
			defer s.Close()
			want := pattern(tt.size)
			for rest, step := want, 1; len(rest) > 0; step = step*3 + 1 { // writes of every size
				k := min(step, len(rest))
				if n, err := s.Write(rest[:k]); n != k || err != nil {
					t.Fatalf("write of %d: %d, %v", k, n, err)
				}
				rest = rest[k:]
			}
			if s.Len() != int64(tt.size) || len(s.mem) != tt.wantMem || (s.file != nil) != (tt.size > tt.wantMem) {
				t.Fatalf("%d bytes, %d in memory, file %v; want %d, %d in memory, a file for the rest",
					s.Len(), len(s.mem), s.file != nil, tt.size, tt.wantMem)
			}
			if entries, err := os.ReadDir(dir); len(entries) != 0 || err != nil && !os.IsNotExist(err) {
				t.Errorf("the spool's directory holds %v (%v); want nothing", entries, err)
			}
			rec := sendSpool(s)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Length") != strconv.Itoa(tt.size) || !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("status %d, Content-Length %q, %d bytes (equal: %v); want 200 and the %d bytes written",
					rec.Code, rec.Header().Get("Content-Length"), rec.Body.Len(), bytes.Equal(rec.Body.Bytes(), want), tt.size)
			}
			if release, ok := b.tryHold(b.waitingSize); !ok {
				t.Error("the spool kept its share of the budget after it was sent")
			} else {
				release()
			}
		})
	}
}

// TestSendBytesWithinTheBudget: a built answer is sent from memory while the waiting share has
// room for it, and from a spool's file when it has not; the client gets the same bytes.
func TestSendBytesWithinTheBudget(t *testing.T) {
	t.Parallel()
	b := NewBudget(8<<20, t.TempDir()) // a waiting share of 2 MB
	body := pattern(1_500_000)
	for _, full := range []bool{false, true} {
		var release func()
		if full {
			release, _ = b.tryHold(1 << 20)
		}
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		b.SendBytes(c, "application/json", body)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || !bytes.Equal(rec.Body.Bytes(), body) {
			t.Errorf("share full %v: status %d, type %q, %d bytes; want 200 and the body", full, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
		if full {
			release()
		}
	}
	if release, ok := b.tryHold(2 << 20); !ok {
		t.Error("SendBytes kept its share of the budget")
	} else {
		release()
	}
}

// slowGet sends a GET for url over a connection whose receive buffer is 4 KB, reads the status
// line and nothing more, and returns the status and the connection.
func slowGet(t *testing.T, url string) (int, net.Conn, *bufio.Reader) {
	t.Helper()
	addr := strings.TrimPrefix(url, "http://")
	host, path, _ := strings.Cut(addr, "/")
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		if cerr := rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
		}); cerr != nil {
			return cerr
		}
		return err
	}}
	conn, err := d.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Write([]byte("GET /" + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute)) // a hung test fails instead of hanging
	r := bufio.NewReaderSize(conn, 512)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("status line: %v", err)
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		t.Fatalf("status line %q", line)
	}
	code, _ := strconv.Atoi(f[1])
	return code, conn, r
}

// TestSlowClientHoldsNoReadTransaction: while a client that reads nothing holds a whole list's
// answer, the list's read transaction is over: the read pool has no connection in use.
func TestSlowClientHoldsNoReadTransaction(t *testing.T) {
	t.Parallel()
	l := &numbers{n: 100_000, size: 100} // 10 MB: more than the sockets' buffers hold
	url, _, db := serveNumbersFrom(t, l, NewBudget(64<<20, t.TempDir()))
	code, _, r := slowGet(t, url)
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if inUse := db.R.Stats().InUse; inUse != 0 {
		t.Errorf("%d read connections in use while the client reads; want 0", inUse)
	}
	// The rest of the answer is all there, in order.
	resp, err := http.ReadResponse(bufio.NewReader(&prefixed{prefix: []byte("HTTP/1.1 200 OK\r\n"), r: r}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	wantRange(t, decodeNumbers(t, body.Bytes()), 1, 100_000)
}

// prefixed reads prefix, then r.
type prefixed struct {
	prefix []byte
	r      *bufio.Reader
}

func (p *prefixed) Read(b []byte) (int, error) {
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		return n, nil
	}
	return p.r.Read(b)
}
