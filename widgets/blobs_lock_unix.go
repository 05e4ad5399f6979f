//go:build unix

package widgets

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile opens the file whose lock keeps Collect from removing blobs while a backup copies
// them, in this process or another: Dir + ".lock", beside the blobs (DATA/files.lock).
func (b *Blobs) lockFile() (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(b.Dir), 0o750); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Clean(b.Dir)+".lock", os.O_CREATE|os.O_RDWR, 0o640)
}

// Hold keeps Collect, in any process, from removing anything until release is called; it waits
// for a Collect under way to end. A backup holds the blobs while it copies those its snapshot
// of the database refers to.
func (b *Blobs) Hold() (release func(), err error) {
	f, err := b.lockFile()
	if err != nil {
		return nil, fmt.Errorf("hold blobs: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("hold blobs: %w", err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}

// tryLock takes the lock Collect needs, unless a holder has it (ok false).
func (b *Blobs) tryLock() (release func(), ok bool, err error) {
	f, err := b.lockFile()
	if err != nil {
		return nil, false, fmt.Errorf("collect leftovers: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("collect leftovers: %w", err)
	}
	return func() { f.Close() }, true, nil
}
