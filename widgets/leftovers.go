package widgets

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"quire/app/sqldb"
)

// BlobGrace is how long Collect leaves a blob or a temporary upload file after it was last
// written or reused: the row of an upload commits within seconds of its blob being saved, and an
// upload in progress writes its temporary file at least every few seconds (request bodies must
// keep a pace; see app/bodies.go).
const BlobGrace = time.Hour

// Leftovers counts what Collect removed.
type Leftovers struct {
	Blobs int   // stored blobs no file referred to
	Temps int   // temporary files of uploads that never finished
	Bytes int64 // their size in all
}

// collectBatch is how many blobs one query checks for references.
const collectBatch = 500

// Collect removes what uploads left behind: blobs that no row of files refers to and that were
// last written or reused more than grace ago (an upload whose transaction failed), and temporary
// upload files last written more than grace ago (a crash during an upload). It never removes a
// blob a committed row refers to, nor one an upload is about to refer to (Save renews a blob it
// reuses, under the lock that removal takes). While a backup holds the blobs (Hold), it removes
// nothing and returns at once. It stops when ctx ends, returning what it removed so far.
func (b *Blobs) Collect(ctx context.Context, db sqldb.DBTX, grace time.Duration) (Leftovers, error) {
	var out Leftovers
	release, ok, err := b.tryLock()
	if err != nil || !ok {
		return out, err
	}
	defer release()
	cutoff := time.Now().Add(-grace)

	temps, err := os.ReadDir(filepath.Join(b.Dir, "tmp"))
	if err != nil && !os.IsNotExist(err) {
		return out, fmt.Errorf("collect leftovers: %w", err)
	}
	for _, e := range temps {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
			if os.Remove(filepath.Join(b.Dir, "tmp", e.Name())) == nil {
				out.Temps++
				out.Bytes += info.Size()
			}
		}
	}

	dirs, err := os.ReadDir(b.Dir)
	if err != nil && !os.IsNotExist(err) {
		return out, fmt.Errorf("collect leftovers: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || !isHex(d.Name(), 2) {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(b.Dir, d.Name()))
		if err != nil {
			return out, fmt.Errorf("collect leftovers: %w", err)
		}
		var old []string
		for _, e := range entries {
			if !isHex(e.Name(), 62) {
				continue
			}
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
				old = append(old, d.Name()+e.Name())
			}
		}
		for len(old) > 0 {
			batch := old[:min(len(old), collectBatch)]
			old = old[len(batch):]
			refs, err := referencedBlobs(ctx, db, batch)
			if err != nil {
				return out, err
			}
			for _, sum := range batch {
				if refs[sum] {
					continue
				}
				size, removed, err := b.removeLeftover(ctx, db, sum, cutoff)
				if err != nil {
					return out, err
				}
				if removed {
					out.Blobs++
					out.Bytes += size
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// removeLeftover removes the blob sum if, under the lock Save takes to reuse a blob, it is still
// older than cutoff and no row refers to it.
func (b *Blobs) removeLeftover(ctx context.Context, db sqldb.DBTX, sum string, cutoff time.Time) (int64, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	info, err := os.Stat(b.path(sum))
	if err != nil || !info.ModTime().Before(cutoff) {
		return 0, false, nil
	}
	refs, err := referencedBlobs(ctx, db, []string{sum})
	if err != nil || refs[sum] {
		return 0, false, err
	}
	if err := os.Remove(b.path(sum)); err != nil && !os.IsNotExist(err) {
		return 0, false, fmt.Errorf("collect leftovers: %w", err)
	}
	return info.Size(), true, nil
}

// referencedBlobs returns which of the hashes a row of files refers to.
func referencedBlobs(ctx context.Context, db sqldb.DBTX, sums []string) (map[string]bool, error) {
	args := make([]any, len(sums))
	for i, s := range sums {
		args[i] = s
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM files WHERE sha256 IN (`+sqldb.Placeholders(len(sums))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("collect leftovers: %w", err)
	}
	defer rows.Close()
	refs := map[string]bool{}
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, err
		}
		refs[sum] = true
	}
	return refs, rows.Err()
}

// isHex reports whether s is n lower-case hexadecimal digits, as blob names are.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == strings.ToLower(s)
}
