//go:build unix

package control

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// socketLock is the lock a server holds on PATH.lock for as long as it
// owns the control socket at PATH. Whoever holds it may judge the socket
// stale, remove it, bind it and, on Close, remove it again; nobody else
// does, so two programs started at once on the same path cannot remove
// each other's socket.
type socketLock struct {
	path string   // PATH.lock
	f    *os.File // holds the flock; closing it releases the lock
}

// lockTries bounds how often lockSocket starts over when the lock file it
// locked was removed meanwhile (each time, another server has just
// released it).
const lockTries = 8

// lockSocket takes an exclusive, non-blocking flock on socket+".lock",
// creating it (mode 0600) in the socket's directory, which the caller
// has checked to be private. A lock another process holds is an error
// naming the socket at once: nothing waits.
//
// A releasing server removes the lock file while it still holds the lock
// (see release), so a lock taken on a file no longer at the path is
// worthless: lockSocket checks, after locking, that the path still names
// the file it locked, and starts over otherwise.
func lockSocket(socket string) (*socketLock, error) {
	path := socket + ".lock"
	for range lockTries {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return nil, fmt.Errorf("control: lock file for socket %s: %w", socket, err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("control: lock file %s: %w", path, err)
		}
		if !fi.Mode().IsRegular() {
			f.Close()
			return nil, fmt.Errorf("control: lock file %s is not a regular file: not touching it", path)
		}
		if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, takenError(fmt.Sprintf("control: another program holds the control socket %s (its lock %s is taken): not taking it over", socket, path))
			}
			return nil, fmt.Errorf("control: locking %s for socket %s: %w", path, socket, err)
		}
		now, err := os.Lstat(path)
		if err == nil && os.SameFile(fi, now) {
			return &socketLock{path: path, f: f}, nil
		}
		f.Close() // removed (or replaced) by a server that let it go: try the new one
	}
	return nil, fmt.Errorf("control: lock file %s keeps being replaced: another program is taking the control socket %s", path, socket)
}

// flock is syscall.Flock on f's descriptor, retried when a signal
// interrupts it.
func flock(f *os.File, how int) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := raw.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if !errors.Is(ferr, syscall.EINTR) {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}

// release removes the lock file and then lets go of the lock: removed
// while held, so that a server that opened the file meanwhile finds, once
// it gets the lock, that the file is no longer at the path (lockSocket
// starts over), and two servers can never both believe they hold it.
func (l *socketLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	var err error
	held, serr := l.f.Stat()
	now, lerr := os.Lstat(l.path)
	if serr == nil && lerr == nil && os.SameFile(held, now) { // never another's lock file
		if err = os.Remove(l.path); errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("control: releasing lock %s: %w", l.path, err)
	}
	return nil
}
