package app

import (
	"context"
	"fmt"
	"io"
	"time"
)

// lockPatience is how long a CLI command waits for the database's write lock before it gives up.
const lockPatience = 2 * time.Minute

// lockNoticeEvery is how often a waiting command says that it still waits.
const lockNoticeEvery = 30 * time.Second

// lockWaiter returns the sqldb.DB.OnLocked of a CLI command: it tells out what the command waits
// for (once, then every lockNoticeEvery), and gives up after lockPatience or when ctx ends (Ctrl-C).
// Each call comes after a busy timeout (5 s) spent waiting inside SQLite, so it does not sleep.
func lockWaiter(out io.Writer, file string) func(ctx context.Context, waited time.Duration) error {
	var told time.Duration = -1
	return func(ctx context.Context, waited time.Duration) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped while waiting for the write lock of %s: %w", file, err)
		}
		if waited >= lockPatience {
			return fmt.Errorf("gave up after %s waiting for the write lock of %s: another process kept it "+
				"(a Quire server in a long write, a restore, or a sqlite3 shell with an open transaction); "+
				"stop that process or try again later", waited.Round(time.Second), file)
		}
		switch {
		case told < 0:
			fmt.Fprintf(out, "quire: waiting for the write lock of %s: another process is writing to it (a Quire server "+
				"in a long write, a restore, or a sqlite3 shell with an open transaction). Waiting up to %s; Ctrl-C to give up.\n",
				file, lockPatience)
			told = waited
		case waited-told >= lockNoticeEvery:
			fmt.Fprintf(out, "quire: still waiting for the write lock of %s (%s so far).\n", file, waited.Round(time.Second))
			told = waited
		}
		return nil
	}
}
