// Package sqldb opens Quire's SQLite database and gives the domain packages what they share to use
// it: the writer and reader handles, one transaction helper, the clock, migrations and the
// recognition of constraint errors by code.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// DBTX is what store functions need of a connection: a *sql.DB or a *sql.Tx.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is the database: one writer connection, which serialises every write, and a pool of
// read-only connections that read the last committed state while a write is under way (WAL).
// The writer is reached only through Write (and Exec, which calls it), so that every write is
// one transaction that waits for the lock as Write says.
type DB struct {
	w *sql.DB
	R *sql.DB
	// Now is the clock; tests may replace it. Take it once per transaction.
	Now func() time.Time
	// OnLocked, when set, is called when a write could not begin because another connection
	// held the database's write lock for all of LockPatience; waited is the time since the write
	// first asked. It returns nil to ask again (for LockPatience more), or the error to give up
	// with. The CLI sets it to say what it waits for; the server leaves it nil, so that a request
	// answers ErrBusy's 503 instead of waiting without bound.
	OnLocked func(ctx context.Context, waited time.Duration) error
	// LockPatience is how long one Write waits in all for the write lock while another process
	// holds it: the time it queued for the writer connection behind other writes counts towards
	// it. Open sets it to BusyTimeout; tests shorten it.
	LockPatience time.Duration
}

// Epoch returns the sum of the named epochs, read through q (the read pool, or a transaction to
// read it in that transaction's snapshot). An epoch is a counter in the epochs table that
// triggers move on, in the same transaction, with every change to the tables it watches,
// whichever process makes the change: this server, the CLI, or a second server on the same file.
// Each package that keeps one declares its row and its triggers in a migration (the first:
// people/migrations/002_auth_epoch.sql). Epochs only grow, so their sum moves on whenever one of
// them does: a cache keeps what it read with the sum read before it or in the same snapshot, and
// uses it while the sum is unchanged. Returns an error when a name has no row, so that a
// misspelt epoch cannot make a cache that never empties.
func Epoch(ctx context.Context, q DBTX, names ...string) (int64, error) {
	if m, ok := ctx.Value(epochsKey{}).(*epochs); ok {
		return m.sum(ctx, q, names)
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	var sum, found int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0), COUNT(*) FROM epochs WHERE name IN (`+Placeholders(len(names))+`)`, args...).
		Scan(&sum, &found)
	if err != nil {
		return 0, fmt.Errorf("read epochs %s: %w", strings.Join(names, ", "), err)
	}
	if found != int64(len(names)) {
		return 0, fmt.Errorf("read epochs %s: %d of them in the database", strings.Join(names, ", "), found)
	}
	return sum, nil
}

type epochsKey struct{}

// epochs are the epochs a request read, all at once (WithEpochs).
type epochs struct {
	once sync.Once
	vals map[string]int64
	err  error
}

// WithEpochs returns ctx in which Epoch reads every epoch at its first call, in one query, and
// answers the calls after it from that read: a request that consults several caches (the
// people cache at authentication, the page cache) pays for one read. What a request reads after
// its first call is no older than the epochs it holds, which is all a cache needs (see Epoch).
func WithEpochs(ctx context.Context) context.Context {
	return context.WithValue(ctx, epochsKey{}, &epochs{})
}

// sum reads every epoch the first time, and returns the sum of the named ones.
func (e *epochs) sum(ctx context.Context, q DBTX, names []string) (int64, error) {
	e.once.Do(func() {
		rows, err := q.QueryContext(ctx, `SELECT name, n FROM epochs LIMIT 1000`)
		if err != nil {
			e.err = fmt.Errorf("read epochs: %w", err)
			return
		}
		defer rows.Close()
		e.vals = map[string]int64{}
		for rows.Next() {
			var name string
			var n int64
			if err := rows.Scan(&name, &n); err != nil {
				e.err = fmt.Errorf("read epochs: %w", err)
				return
			}
			e.vals[name] = n
		}
		if err := rows.Err(); err != nil {
			e.err = fmt.Errorf("read epochs: %w", err)
		}
	})
	if e.err != nil {
		return 0, e.err
	}
	var sum int64
	for _, name := range names {
		n, ok := e.vals[name]
		if !ok {
			return 0, fmt.Errorf("read epochs %s: %s is not in the database", strings.Join(names, ", "), name)
		}
		sum += n
	}
	return sum, nil
}

// BusyTimeout is how long a statement waits for a lock another connection holds (SQLite's
// busy_timeout, set on every connection), and the patience of a Write.
const BusyTimeout = 5 * time.Second

// driverName is go-sqlite3 with the pragmas the DSN cannot carry, run on every new connection.
const driverName = "sqlite3_quire"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// The WAL is copied back into the file every 10,000 pages (about 40 MB) instead of
		// SQLite's 1,000: a page that every write changes (the search index's structure, a
		// busy page's row) is copied once per checkpoint, and the checkpoint's fsync is paid
		// ten times less often. Only the writer checkpoints.
		// Reads go through a shared memory map of the file instead of copying every page into
		// each connection's cache (up to 1 GiB of the file; the OS keeps what is used).
		if _, err := c.Exec("PRAGMA wal_autocheckpoint = 10000", nil); err != nil {
			return err
		}
		_, err := c.Exec("PRAGMA mmap_size = 1073741824", nil)
		return err
	}})
}

// Open opens (creating if need be) the database file at path.
func Open(path string) (*DB, error) {
	// Pragmas sit in the DSN so that every pooled connection gets them. WAL lets readers go on
	// during a write; synchronous=NORMAL is durable across application crashes in WAL mode and
	// loses at most the last commits on power loss; immediate transactions take the write lock
	// at BEGIN, so two writers queue instead of failing with "database is locked" mid-way.
	// Each connection keeps its prepared statements: the same few queries run on every request.
	common := "file:" + path + "?_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=on&_busy_timeout=" + strconv.FormatInt(BusyTimeout.Milliseconds(), 10) + "&_stmt_cache_size=256&_cache_size=-32768"
	w, err := sql.Open(driverName, common+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open(driverName, common+"&_query_only=on")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	// More readers than cores: a request holding a connection may be descheduled, and the others
	// should not queue behind it.
	n := 4 * runtime.NumCPU()
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{w: w, R: r, Now: time.Now, LockPatience: BusyTimeout}, nil
}

// Close closes both handles; the last one to close checkpoints the WAL into the main file.
func (db *DB) Close() error {
	return errors.Join(db.R.Close(), db.w.Close())
}

// Write runs fn in one transaction on the writer and commits it when fn returns nil. When another
// process holds the write lock, Write waits for it at most LockPatience from its call, queueing
// for the writer included, and then returns an error for which IsBusy holds (after asking
// OnLocked, when set, whether to wait longer). A Write queued behind this process's own writes
// waits as long as they take (bounded by ctx): the patience only runs out against a lock that
// another connection holds.
func (db *DB) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	out, _ := ctx.Value(outcomeKey{}).(Outcome)
	if out != nil {
		if err := out.Prepare(ctx); err != nil {
			return err
		}
	}
	conn, tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if out != nil {
		if err := out.Record(ctx, tx); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if out != nil {
		out.Committed()
	}
	return nil
}

// Exec runs query, a statement that stands alone (or several, separated by semicolons, without
// args), in a Write transaction of its own: a test's setup, a repair. Returns Write's errors.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// WriterWaits is how many times, since Open, a Write waited for the writer connection while
// another Write of this process held it (sql.DBStats.WaitCount of the writer).
func (db *DB) WriterWaits() int64 { return db.w.Stats().WaitCount }

// Checkpoint copies what it can of the WAL into the database file without waiting for anyone
// (SQLite's passive checkpoint), and reports whether that was all of it: it is not while a read
// transaction that began before the last write is open.
func (db *DB) Checkpoint(ctx context.Context) (whole bool, err error) {
	var busy, log, done int
	if err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	return log == done, nil
}

// Outcome is what a request records in the same transaction as its change, so that both commit
// or neither does: an Idempotency-Key's "this request is done". Write calls Prepare before it
// begins the transaction (outside the write lock), Record inside it after the change and before
// the commit (an error rolls the change back and is returned), and Committed after the commit.
// A request whose context carries none writes as usual.
type Outcome interface {
	Prepare(ctx context.Context) error
	Record(ctx context.Context, tx *sql.Tx) error
	Committed()
}

type outcomeKey struct{}

// WithOutcome returns ctx carrying o, for every Write made with it or a context derived from it.
func WithOutcome(ctx context.Context, o Outcome) context.Context {
	return context.WithValue(ctx, outcomeKey{}, o)
}

type patienceKey struct{}

// WithPatience returns ctx with which a Write waits at most d (instead of LockPatience) for a
// write lock another process holds; 0: it fails at once on a held lock. For writes that are
// better skipped than waited for, such as a search's catching up with the index.
func WithPatience(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, patienceKey{}, d)
}

// begin takes the writer connection and starts the write transaction on it: BEGIN IMMEDIATE
// takes the write lock at once, waiting for it, when another connection holds it, for what is
// left of LockPatience since begin was called (none left: it takes a free lock, and fails at once
// on a held one). So writes queued behind one that waits for another process's lock give up
// with it, instead of each waiting a whole busy timeout in turn. Only BEGIN is asked again after
// OnLocked, each time with a whole LockPatience: nothing is done before it. The caller closes the
// connection after the transaction.
func (db *DB) begin(ctx context.Context) (*sql.Conn, *sql.Tx, error) {
	start := time.Now()
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("begin: %w", err)
	}
	patience := db.LockPatience
	if d, ok := ctx.Value(patienceKey{}).(time.Duration); ok {
		patience = d
	}
	wait := patience - time.Since(start)
	for {
		tx, err := beginWaiting(ctx, conn, wait)
		if err == nil {
			return conn, tx, nil
		}
		if !IsBusy(err) || db.OnLocked == nil {
			conn.Close()
			return nil, nil, fmt.Errorf("begin: %w", err)
		}
		if err := db.OnLocked(ctx, time.Since(start)); err != nil {
			conn.Close()
			return nil, nil, err
		}
		wait = patience
	}
}

// beginWaiting begins a transaction on conn that waits up to wait for a held write lock, and
// sets the connection's busy timeout back to BusyTimeout for the statements inside it.
func beginWaiting(ctx context.Context, conn *sql.Conn, wait time.Duration) (*sql.Tx, error) {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", max(wait, 0).Milliseconds())); err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", BusyTimeout.Milliseconds())); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// IsBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED (any extended code): the
// lock a statement needed was held by another connection, usually another process, for longer
// than the busy timeout. Nothing was changed; the same request may succeed later.
func IsBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// IsUnique reports whether err is a violation of a UNIQUE or PRIMARY KEY constraint.
func IsUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// Int64s runs query, whose rows have one integer column (ids, mostly), and returns the column's
// values in row order (nil when there are none). The query bounds how many rows it reads.
func Int64s(ctx context.Context, db DBTX, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Placeholders returns "?, ?, ?" for n values, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	b := make([]byte, 0, 3*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
