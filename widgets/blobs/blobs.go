// Package blobs keeps the bytes of uploaded files on disk, named by their SHA-256, and removes
// what uploads left behind. It knows nothing of the rows that refer to its blobs: widgets stores
// those (widgets.CreateFile) and tells Collect which blobs are in use (widgets.BlobsInUse).
package blobs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"quire/app/api"
)

// Store keeps uploaded bytes on disk, named by their SHA-256 (DATA/files/ab/cdef...): the same
// content is stored once. A file is streamed to a temporary file while it is hashed and counted,
// synced, then renamed into place, so that a crash leaves either no blob or a whole one. What is
// left over (blobs of uploads whose transaction failed, temporary files of a crash) is removed by
// Collect.
//
// A blob is safe from Collect while a row of files refers to it, and for Grace after it was
// last stored, reused or claimed (each renews its time). A row that is about to refer to a blob
// claims it (Claim) inside the row's transaction, so a blob removed while its upload was still
// arriving fails the upload instead of leaving a row that refers to nothing.
type Store struct {
	Dir string
	// mu orders, in this process, a blob's renewal (Save reusing it, Claim) against Collect's
	// removal of it; a lock on the blob's file orders them across processes (lockOpen).
	mu sync.Mutex
}

// Blob is stored content.
type Blob struct {
	SHA256 string
	Size   int64
	Head   []byte // the first bytes, to sniff the type
}

// ErrTooLarge answers an upload over the limit.
func errUploadTooLarge(max int64) error {
	return api.TooLarge("The file is over the upload limit of %d MB.", max>>20)
}

// ErrGone is Claim's answer for a blob that is no longer stored: Collect removed it because
// more than Grace passed between the end of the file and the end of its request. Nothing of
// the request is kept; sending it again works.
var ErrGone = &api.Error{Code: api.CodeRequestTimeout, Message: fmt.Sprintf("The file's bytes were cleared "+
	"away while the rest of the request arrived: more than %.0f minutes passed between the end of the file and the "+
	"end of the request. Nothing was changed; send the upload again without pausing.", Grace.Minutes())}

// path returns where the blob with hash sum lives.
func (b *Store) path(sum string) string {
	return filepath.Join(b.Dir, sum[:2], sum[2:])
}

// Save streams r into the store and returns the blob. More than max bytes is a too_large error,
// and nothing is left behind. While r is read, the temporary file is locked, so that Collect
// leaves it however slowly the bytes arrive. The blob's time is set to when Save returns; the
// row that will refer to it must Claim it.
func (b *Store) Save(r io.Reader, max int64) (*Blob, error) {
	tmpDir := filepath.Join(b.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	defer os.Remove(tmp.Name()) // harmless after the rename
	defer tmp.Close()           // and the lock goes with it
	if _, err := lockOpen(tmp, true, true); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	hash := sha256.New()
	head := &headWriter{max: 512}
	n, err := io.Copy(io.MultiWriter(tmp, hash, head), io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	if n > max {
		return nil, errUploadTooLarge(max)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	blob := &Blob{SHA256: hex.EncodeToString(hash.Sum(nil)), Size: n, Head: head.buf}
	final := b.path(blob.SHA256)
	// The same bytes may be stored already: they are reused, renewed so that Collect leaves them
	// for the grace period.
	if stored, err := b.renew(final); err != nil || stored {
		if err != nil {
			return nil, fmt.Errorf("save upload: %w", err)
		}
		return blob, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	// The bytes may have ended long ago (a slow body): the blob's time is now, when it is stored.
	now := time.Now()
	if err := os.Chtimes(tmp.Name(), now, now); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	return blob, nil
}

// Claim renews the stored blob with hash sum, so that Collect leaves it for Grace, or
// returns ErrGone when it is not stored. Call it inside the transaction that inserts a row
// referring to the blob: once it returns nil, the blob stays until that transaction has
// committed (Grace is far longer than a transaction), and the row keeps it afterwards.
func (b *Store) Claim(sum string) error {
	if len(sum) != 64 {
		return errors.New("claim blob: bad hash")
	}
	stored, err := b.renew(b.path(sum))
	switch {
	case err != nil:
		return fmt.Errorf("claim blob: %w", err)
	case !stored:
		return ErrGone
	}
	return nil
}

// renew sets the time of the blob at path to now and reports true, or reports false when no
// blob is there. It takes, shared, the lock on the blob's file that Collect takes exclusively to
// remove it, so that a blob is either removed before (and renew reports false) or renewed before
// Collect looks at its time.
func (b *Store) renew(path string) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if _, err := lockOpen(f, false, true); err != nil {
		return false, err
	}
	// Collect, in another process, may have removed it while this waited for the lock.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		return false, err
	}
	return true, nil
}

// lockFile opens the file whose lock keeps Collect from removing anything while a backup copies
// the blobs, in this process or another: Dir + ".lock", beside the blobs (DATA/files.lock).
func (b *Store) lockFile() (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(b.Dir)), 0o750); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Clean(b.Dir)+".lock", os.O_CREATE|os.O_RDWR, 0o640)
}

// Hold keeps Collect, in any process, from removing anything until release is called; it waits
// for a Collect under way to end. A backup holds the blobs while it copies those its snapshot
// of the database refers to.
func (b *Store) Hold() (release func(), err error) {
	f, err := b.lockFile()
	if err != nil {
		return nil, fmt.Errorf("hold blobs: %w", err)
	}
	if _, err := lockOpen(f, false, true); err != nil {
		f.Close()
		return nil, fmt.Errorf("hold blobs: %w", err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}

// tryLock takes the lock Collect needs, unless a holder has it (ok false).
func (b *Store) tryLock() (release func(), ok bool, err error) {
	f, err := b.lockFile()
	if err != nil {
		return nil, false, fmt.Errorf("collect leftovers: %w", err)
	}
	if ok, err := lockOpen(f, true, false); err != nil || !ok {
		f.Close()
		if err != nil {
			err = fmt.Errorf("collect leftovers: %w", err)
		}
		return nil, false, err
	}
	return func() { f.Close() }, true, nil
}

// Open opens the blob with the hash for reading.
func (b *Store) Open(sum string) (*os.File, error) {
	if len(sum) != 64 {
		return nil, errors.New("open blob: bad hash")
	}
	return os.Open(b.path(sum))
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	buf []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
