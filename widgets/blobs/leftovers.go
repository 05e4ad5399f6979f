package blobs

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Grace is how long Collect leaves an unreferenced blob, or a temporary upload file no one
// is writing, after it was last stored, written, reused or claimed. Nothing depends on requests
// being fast: a temporary file being written is locked, however slowly its bytes arrive, and a
// blob is claimed inside the transaction of the row that refers to it (Store.Claim). The grace
// only has to cover the time from a claim to its transaction's commit, and lets a failed upload's
// bytes be reused by its retry.
const Grace = time.Hour

// Leftovers counts what Collect removed.
type Leftovers struct {
	Blobs int   // stored blobs no file referred to
	Temps int   // temporary files of uploads that never finished
	Bytes int64 // their size in all
}

// InUse reports which of the hashes sums a stored row still refers to (a map holding true for
// each), for Collect. The store of the rows provides it (widgets.BlobsInUse); an error stops
// Collect.
type InUse func(ctx context.Context, sums []string) (map[string]bool, error)

// collectBatch is how many blobs one call of InUse checks.
const collectBatch = 500

// Collect removes what uploads left behind: blobs that no row refers to (inUse) and that were
// last stored, reused or claimed before cutoff (an upload whose transaction failed), and
// temporary upload files last written before cutoff that no upload is writing (a crash during an
// upload). The server passes Grace ago as cutoff. It never removes a blob a committed row
// refers to, nor one a transaction has claimed since cutoff (Claim and Collect take a lock on the
// blob's file, in this process or another), nor a temporary file an upload is writing. While a
// backup holds the blobs (Hold), it removes nothing and returns at once. It stops when ctx ends,
// returning what it removed so far.
func (b *Store) Collect(ctx context.Context, inUse InUse, cutoff time.Time) (Leftovers, error) {
	var out Leftovers
	release, ok, err := b.tryLock()
	if err != nil || !ok {
		return out, err
	}
	defer release()

	temps, err := os.ReadDir(filepath.Join(b.Dir, "tmp"))
	if err != nil && !os.IsNotExist(err) {
		return out, fmt.Errorf("collect leftovers: %w", err)
	}
	for _, e := range temps {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
			removed, err := removeUnlocked(filepath.Join(b.Dir, "tmp", e.Name()), cutoff)
			if err != nil {
				return out, err
			}
			if removed {
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
			refs, err := inUse(ctx, batch)
			if err != nil {
				return out, err
			}
			for _, sum := range batch {
				if refs[sum] {
					continue
				}
				size, removed, err := b.removeLeftover(ctx, inUse, sum, cutoff)
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

// removeUnlocked removes the temporary file at path if no upload holds its lock (Save locks the
// file it writes) and it was still last written before cutoff.
func removeUnlocked(path string, cutoff time.Time) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, nil // gone meanwhile
	}
	defer f.Close()
	if free, err := lockOpen(f, true, false); err != nil || !free {
		return false, err
	}
	if info, err := f.Stat(); err != nil || !info.ModTime().Before(cutoff) {
		return false, nil
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("collect leftovers: %w", err)
	}
	return true, nil
}

// removeLeftover removes the blob sum if, under the locks that a renewal takes (Save reusing the
// blob, Claim), it is still older than cutoff and no row refers to it.
func (b *Store) removeLeftover(ctx context.Context, inUse InUse, sum string, cutoff time.Time) (int64, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	path := b.path(sum)
	f, err := os.Open(path)
	if err != nil {
		return 0, false, nil // gone meanwhile
	}
	defer f.Close()
	if free, err := lockOpen(f, true, false); err != nil || !free {
		return 0, false, err // a renewal is under way: the blob is in use
	}
	info, err := f.Stat()
	if err != nil || !info.ModTime().Before(cutoff) {
		return 0, false, nil
	}
	if now, err := os.Stat(path); err != nil || !os.SameFile(info, now) {
		return 0, false, nil // replaced by a new copy of the same bytes
	}
	refs, err := inUse(ctx, []string{sum})
	if err != nil || refs[sum] {
		return 0, false, err
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return 0, false, fmt.Errorf("collect leftovers: %w", err)
	}
	return info.Size(), true, nil
}

// isHex reports whether s is n lower-case hexadecimal digits, as blob names are.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == strings.ToLower(s)
}
