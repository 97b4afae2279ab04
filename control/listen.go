package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ErrSocketTaken is wrapped by the error NewServer and LockSocket return
// when another program holds the control socket's path: a program can
// then say how to choose another path.
var ErrSocketTaken = errors.New("control: the socket is in use")

// takenError is an error that is ErrSocketTaken, with its own message.
type takenError string

func (e takenError) Error() string        { return string(e) }
func (e takenError) Is(target error) bool { return target == ErrSocketTaken }

// maxSocketPath is the longest unix socket path the kernel takes (sun_path
// is 108 bytes with its NUL).
const maxSocketPath = 107

// DefaultSocketPath is where a program named name puts its control socket
// when Config.Socket is empty: NAME.sock in the first of SocketDirs that
// is fit for it — one that does not exist yet, or a directory of this
// user that only this user can enter (CheckSocketDir). So when another
// user has made $TMPDIR/aiotools-UID first, the program does not stop:
// it goes on to $HOME/.local/state/aiotools/run. aioctl searches the same
// directories, so `aioctl status` finds a lone program without flags.
// name "" means the executable's base name.
func DefaultSocketPath(name string) (string, error) {
	name, err := programName(name)
	if err != nil {
		return "", err
	}
	var why []error
	for _, d := range SocketDirs() {
		_, err := os.Lstat(d)
		if errors.Is(err, os.ErrNotExist) {
			return filepath.Join(d, name+".sock"), nil
		}
		if err := CheckSocketDir(d); err != nil {
			why = append(why, err)
			continue
		}
		return filepath.Join(d, name+".sock"), nil
	}
	return "", noSocketDir(why)
}

func noSocketDir(why []error) error {
	return fmt.Errorf("control: no socket directory fit for use (give a socket path): %w", errors.Join(why...))
}

// programName is name, or the executable's base name when name is "",
// checked to be fit for a file name.
func programName(name string) (string, error) {
	if name == "" {
		exe, err := os.Executable()
		if err != nil {
			exe = os.Args[0]
		}
		name = filepath.Base(exe)
	}
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("control: program name for the socket: %w", err)
	}
	return name, nil
}

// defaultDir returns the first of SocketDirs that is, or can be made, a
// private directory of this user (making it if need be): a directory
// another user made first is passed over, never used.
func defaultDir() (string, error) {
	var why []error
	for _, d := range SocketDirs() {
		if err := privateDir(d); err != nil {
			why = append(why, err)
			continue
		}
		return d, nil
	}
	return "", noSocketDir(why)
}

// listenDefault opens the control socket at the default path for name.
func listenDefault(name string) (*unixSocket, error) {
	name, err := programName(name)
	if err != nil {
		return nil, err
	}
	dir, err := defaultDir()
	if err != nil {
		return nil, err
	}
	return listenUnix(filepath.Join(dir, name+".sock"))
}

// SocketDirs are the directories a program may put its control socket in
// when none is given, and that aioctl searches, in order:
// $XDG_RUNTIME_DIR/aiotools (when XDG_RUNTIME_DIR is set: systemd makes it
// a 0700 directory per user), $TMPDIR/aiotools-UID, and
// $XDG_STATE_HOME/aiotools/run (default $HOME/.local/state/aiotools/run),
// which no other user can have made first.
func SocketDirs() []string {
	var dirs []string
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		dirs = append(dirs, filepath.Join(d, "aiotools"))
	}
	dirs = append(dirs, filepath.Join(os.TempDir(), "aiotools-"+strconv.Itoa(os.Getuid())))
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		dirs = append(dirs, filepath.Join(d, "aiotools", "run"))
	} else if home, err := os.UserHomeDir(); err == nil && filepath.IsAbs(home) {
		dirs = append(dirs, filepath.Join(home, ".local", "state", "aiotools", "run"))
	}
	return dirs
}

// privateDir makes sure dir exists, belongs to this user and only this
// user can enter it (mode 0700).
func privateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		if errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
				return fmt.Errorf("control: socket directory %s: %w", dir, err)
			}
			err = os.Mkdir(dir, 0o700)
		}
		if err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("control: socket directory %s: %w", dir, err)
		}
	}
	return CheckSocketDir(dir)
}

// CheckSocketDir reports whether dir is fit for a control socket: a
// directory (not a symbolic link) that belongs to this user and that only
// this user can enter. The server checks its socket's directory so; a
// client that looks for sockets (aioctl without --socket) checks the
// directories it searches, so as not to talk to a program another user
// put there.
func CheckSocketDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("control: socket directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("control: socket directory %s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("control: socket directory %s belongs to uid %d, not to this user (%d): choose another socket path", dir, st.Uid, os.Getuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("control: socket directory %s has mode %04o: the control socket needs a directory only its user can enter (chmod 700 %s, or choose another socket path)", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// unixSocket is a bound control socket with what proves it is ours: the
// lock on PATH.lock and the socket file bound.
type unixSocket struct {
	*net.UnixListener
	path  string
	lock  *socketLock
	bound os.FileInfo // the socket file as bound (nil if it could not be read)
}

// listenUnix opens the control socket at path: in a private directory,
// mode 0600, replacing a stale socket but never a live one. It first
// takes the lock on PATH.lock (and keeps it until close), so of programs
// started at once on the same path exactly one judges a stale socket
// stale and binds the path; the others fail at once.
func listenUnix(path string) (*unixSocket, error) {
	if err := prepareSocketPath(path); err != nil {
		return nil, err
	}
	lock, err := lockSocket(path)
	if err != nil {
		return nil, err
	}
	return listenLocked(path, lock)
}

// prepareSocketPath checks path's length and makes its private directory.
func prepareSocketPath(path string) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("control: socket path %s is %d bytes, over the limit of %d: choose a shorter one", path, len(path), maxSocketPath)
	}
	return privateDir(filepath.Dir(path))
}

// listenLocked binds the socket at path, whose lock the caller holds
// and hands over (it is released on failure).
func listenLocked(path string, lock *socketLock) (*unixSocket, error) {
	l, err := bindUnix(path)
	if err != nil {
		lock.release()
		return nil, err
	}
	u := &unixSocket{UnixListener: l, path: path, lock: lock}
	if fi, err := os.Lstat(path); err == nil {
		u.bound = fi
	}
	return u, nil
}

// bindUnix replaces a stale socket at path and binds it; the caller holds
// the path's lock, so only a program that does not take it (an older one,
// or another kind) can be listening there.
func bindUnix(path string) (*net.UnixListener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("control: %s exists and is not a socket: not touching it", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		switch {
		case err == nil:
			c.Close()
			return nil, takenError("control: another program is listening on " + path + ": not taking it over")
		case errors.Is(err, os.ErrNotExist):
			// Gone meanwhile: nothing to remove.
		case !errors.Is(err, syscall.ECONNREFUSED):
			// Only a refusal proves nobody listens: a busy program (its
			// accept queue full: EAGAIN) or a slow one is alive.
			return nil, fmt.Errorf("control: cannot tell whether a program listens on %s (%v): not taking it over", path, err)
		default:
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("control: removing stale socket %s: %w", path, err)
			}
		}
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control: listen on %s: %w", path, err)
	}
	// Close must not unlink by name: the file at path may no longer be
	// this socket. close removes it only if it still is, under the lock.
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		os.Remove(path)
		return nil, fmt.Errorf("control: chmod socket %s: %w", path, err)
	}
	return l, nil
}

// close stops listening, removes the socket file if it is still the one
// this listener bound, and then removes and releases the lock. Only the
// first call does anything; http.Server.Shutdown closes the listener too
// (through Close, which does not remove anything), so the server calls
// close once it is done serving.
func (u *unixSocket) close() error {
	lerr := u.UnixListener.Close()
	if errors.Is(lerr, net.ErrClosed) {
		lerr = nil
	}
	var rerr error
	if u.lock != nil && u.bound != nil {
		if now, err := os.Lstat(u.path); err == nil && os.SameFile(u.bound, now) {
			if err := os.Remove(u.path); err != nil && !errors.Is(err, os.ErrNotExist) {
				rerr = fmt.Errorf("control: removing socket %s: %w", u.path, err)
			}
		}
	}
	var uerr error
	if u.lock != nil {
		uerr = u.lock.release()
		u.lock = nil
	}
	return errors.Join(lerr, rerr, uerr)
}

func (s *Server) checkPeer(c net.Conn) error {
	uid, err := peerUID(c)
	if err != nil {
		return err
	}
	if s.cfg.allowUID != nil {
		if !s.cfg.allowUID(uid) {
			return fmt.Errorf("peer uid %d is not allowed", uid)
		}
		return nil
	}
	if uid != 0 && int(uid) != os.Getuid() {
		return fmt.Errorf("peer uid %d is neither this user (%d) nor root", uid, os.Getuid())
	}
	return nil
}
