//go:build unix

package blobs

import (
	"errors"
	"os"
	"syscall"
)

// lockOpen takes a lock (flock) on the open file f, exclusive or shared, waiting for it when
// wait is set. It reports false when it did not wait and another open file, in this process or
// another, holds a lock that conflicts. The lock lasts until f is closed, or until the process
// ends, however it ends. On a file system that has no locks it reports true and locks nothing.
func lockOpen(f *os.File, exclusive, wait bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.ENOSYS):
			// A file system without locks: as where there are none (lock_other.go).
			return true, nil
		}
		return false, err
	}
}
