package control

import (
	"path/filepath"
	"sync"
)

// SocketLock is a control socket's path taken before the server starts:
// its private directory made and its lock (PATH.lock) held. A program
// takes it first thing, so that a second copy finds the socket taken
// before it starts any task or command; it then hands it to NewServer in
// Config.Lock.
type SocketLock struct {
	path string
	mu   sync.Mutex
	lock *socketLock // nil once released or handed to a server
}

// LockSocket takes the control socket's path before anything starts:
// socket, or DefaultSocketPath(name) when socket is "" (choosing, as
// NewServer does, a directory of this user). It fails at once, with an
// error wrapping ErrSocketTaken that names the path, when another
// program holds it.
func LockSocket(socket, name string) (*SocketLock, error) {
	path := socket
	if path == "" {
		dir, err := defaultDir()
		if err != nil {
			return nil, err
		}
		if name, err = programName(name); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, name+".sock")
	} else if err := prepareSocketPath(path); err != nil {
		return nil, err
	}
	l, err := lockSocket(path)
	if err != nil {
		return nil, err
	}
	return &SocketLock{path: path, lock: l}, nil
}

// Path returns the socket's path.
func (s *SocketLock) Path() string { return s.path }

// Release lets the path go. It does nothing once NewServer has taken the
// lock over (the server releases it on Close), so a program may always
// defer it.
func (s *SocketLock) Release() error {
	l := s.take()
	return l.release()
}

// take hands the held lock over (nil when it is gone).
func (s *SocketLock) take() *socketLock {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lock
	s.lock = nil
	return l
}
