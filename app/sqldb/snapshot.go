package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrReadsBusy is returned by ReadSnapshot when no turn came within the wait.
var ErrReadsBusy = errors.New("every connection for long reads is in use")

// ReadSnapshot begins a read transaction for a read that lasts as long as a client takes to
// receive it (a whole list streamed in batches): every query in it sees the database as it was
// at the first one, whatever is written meanwhile (WAL). Such reads hold a connection of the
// read pool all along, so at most half of the pool serves them at once and the other half stays
// free for short reads. ReadSnapshot waits up to wait for a turn, then returns ErrReadsBusy; the
// transaction ends when ctx does at the latest. Call done when the read is over.
func (db *DB) ReadSnapshot(ctx context.Context, wait time.Duration) (tx *sql.Tx, done func(), err error) {
	if db.snapshots != nil {
		timer := time.NewTimer(wait)
		select {
		case db.snapshots <- struct{}{}:
			timer.Stop()
		case <-timer.C:
			return nil, nil, ErrReadsBusy
		case <-ctx.Done():
			timer.Stop()
			return nil, nil, ctx.Err()
		}
	}
	free := func() {
		if db.snapshots != nil {
			<-db.snapshots
		}
	}
	tx, err = db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		free()
		return nil, nil, fmt.Errorf("begin read: %w", err)
	}
	return tx, func() {
		_ = tx.Rollback() // a read-only transaction has nothing to commit
		free()
	}, nil
}
