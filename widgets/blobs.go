package widgets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"quire/app/api"
)

// Blobs keeps uploaded bytes on disk, named by their SHA-256 (DATA/files/ab/cdef...): the same
// content is stored once. A file is streamed to a temporary file while it is hashed and counted,
// synced, then renamed into place, so that a crash leaves either no blob or a whole one. What is
// left over (blobs of uploads whose transaction failed, temporary files of a crash) is removed by
// Collect.
type Blobs struct {
	Dir string
	// mu orders Save's reuse of a stored blob (which renews its time) against Collect's removal
	// of it, so that an upload never refers to a blob removed under it.
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

// path returns where the blob with hash sum lives.
func (b *Blobs) path(sum string) string {
	return filepath.Join(b.Dir, sum[:2], sum[2:])
}

// Save streams r into the store and returns the blob. More than max bytes is a too_large error,
// and nothing is left behind.
func (b *Blobs) Save(r io.Reader, max int64) (*Blob, error) {
	tmpDir := filepath.Join(b.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	defer os.Remove(tmp.Name()) // harmless after the rename
	defer tmp.Close()
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
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	blob := &Blob{SHA256: hex.EncodeToString(hash.Sum(nil)), Size: n, Head: head.buf}
	final := b.path(blob.SHA256)
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := os.Stat(final); err == nil {
		// The same bytes are stored already. Their time is renewed, so that Collect leaves them
		// for the grace period while the row that will refer to them commits.
		now := time.Now()
		if err := os.Chtimes(final, now, now); err != nil {
			return nil, fmt.Errorf("save upload: %w", err)
		}
		return blob, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, fmt.Errorf("save upload: %w", err)
	}
	return blob, nil
}

// Open opens the blob with the hash for reading.
func (b *Blobs) Open(sum string) (*os.File, error) {
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
