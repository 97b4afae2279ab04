// Package sockdir says where the control sockets and token files of
// aiotools programs are, for the server that makes them (package control)
// and for the clients that look for them (aioctl, the fleet and dashboard
// code). It uses the standard library only, so a client does not link the
// server.
//
// A program without a given socket path puts NAME.sock in the first of
// Dirs that is fit for it; a program that listens on TCP without a given
// token writes the token and its address to NAME.token beside the socket
// (TokenPath). A directory or token file is only trusted when it belongs
// to this user and nobody else can enter or read it (Check): another user
// could have made $TMPDIR/aiotools-UID first and listen there for our
// commands, or plant a token file that sends our token to their address.
//
//	sock, err := sockdir.Find()          // the one socket of this user
//	token, dial := sockdir.FindToken(addr) // the token of the program at addr
package sockdir

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MinTokenBytes is the shortest token accepted.
const MinTokenBytes = 16

// Dirs are the directories a program may put its control socket in when
// none is given, and that aioctl searches, in order:
// $XDG_RUNTIME_DIR/aiotools (when XDG_RUNTIME_DIR is set: systemd makes it
// a 0700 directory per user), $TMPDIR/aiotools-UID, and
// $XDG_STATE_HOME/aiotools/run (default $HOME/.local/state/aiotools/run),
// which no other user can have made first.
func Dirs() []string {
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

// Check reports whether dir is fit for a control socket: a directory
// (not a symbolic link) that belongs to this user and that only this user
// can enter. The server checks its socket's directory so; a client that
// looks for sockets (aioctl without --socket) checks the directories it
// searches, so as not to talk to a program another user put there.
func Check(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("control: socket directory %s: %w", dir, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		// Not followed: whoever may change the link (or a directory on
		// its way) could point it elsewhere between the check and the use.
		to, _ := os.Readlink(dir)
		return fmt.Errorf("control: socket directory %s is a symbolic link to %s: a control socket needs a real directory (give the path without the link, e.g. %s)", dir, to, resolved(dir))
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

// resolved is dir with its symbolic links followed, or dir.
func resolved(dir string) string {
	if p, err := filepath.EvalSymlinks(dir); err == nil {
		return p
	}
	return dir
}

// Find returns the one control socket (*.sock) of this user in Dirs that
// a program listens on, searching only the directories Check accepts. A
// socket nobody listens on (a program that was killed leaves it) is
// skipped. None ("no program running"), or more than one, is an error
// that says so (and names them, the stale sockets, and the directories
// passed over and why).
func Find() (string, error) {
	var found, stale []string
	var unsafe []string
	for _, d := range Dirs() {
		if _, err := os.Lstat(d); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := Check(d); err != nil {
			unsafe = append(unsafe, err.Error())
			continue
		}
		m, _ := filepath.Glob(filepath.Join(d, "*.sock"))
		for _, p := range m {
			if Listening(p) {
				found = append(found, p)
			} else {
				stale = append(stale, p)
			}
		}
	}
	switch len(found) {
	case 0:
		msg := fmt.Sprintf("no program running: no control socket found in %s; give --socket PATH", strings.Join(Dirs(), " or "))
		if len(stale) > 0 {
			msg = fmt.Sprintf("no program running: nobody listens on %s (stale: its program was killed); give --socket PATH", strings.Join(stale, ", "))
		}
		if len(unsafe) > 0 {
			msg += "\n  not searched: " + strings.Join(unsafe, "\n  not searched: ")
		}
		return "", errors.New(msg)
	case 1:
		return found[0], nil
	}
	sort.Strings(found)
	return "", fmt.Errorf("several control sockets: choose one with --socket:\n  %s", strings.Join(found, "\n  "))
}

// Listening reports whether a program listens on the unix socket at path:
// a connection is accepted (and closed at once). A socket file whose
// program was killed refuses connections.
func Listening(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// TokenPath returns the file a server keeps its generated token in, for
// the socket path sock: NAME.token beside NAME.sock (sock + ".token" when
// sock does not end in ".sock").
func TokenPath(sock string) string {
	return strings.TrimSuffix(sock, ".sock") + ".token"
}

// ReadToken reads a token file a server wrote: the token on the first
// line, the TCP address the server listens on on the second. It refuses
// a file that is not a regular file of this user that only this user can
// read, so as not to send another user's choice of token anywhere.
func ReadToken(path string) (token, addr string, err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return "", "", fmt.Errorf("control: token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", "", fmt.Errorf("control: token file %s: %w", path, err)
	}
	if err := checkPrivateFile(path, fi); err != nil {
		return "", "", err
	}
	sc := bufio.NewScanner(f)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		return "", "", fmt.Errorf("control: token file %s: %w", path, err)
	}
	if len(lines) == 0 || len(lines[0]) < MinTokenBytes {
		return "", "", fmt.Errorf("control: token file %s:1: no token of at least %d bytes", path, MinTokenBytes)
	}
	if len(lines) > 1 {
		addr = lines[1]
	}
	return lines[0], addr, nil
}

// checkPrivateFile reports whether fi (the file at path) is a regular
// file of this user that nobody else can read or write.
func checkPrivateFile(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("control: token file %s is not a regular file", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("control: token file %s belongs to uid %d, not to this user (%d)", path, st.Uid, os.Getuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("control: token file %s has mode %04o: only its user may read it (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	return nil
}

// FindToken returns the token of the program listening on addr, from its
// token file (NAME.token, which a program given no token writes beside
// its socket), and the address to dial with it; "" and addr when none
// matches. Only token files in directories Check accepts are read, and
// only one whose address is exactly the one dialled (MatchAddr): a token
// is never sent to another listener, not even another loopback one on the
// same port (another user's on [::1]:P or 127.0.0.2:P while ours is on
// 127.0.0.1:P). For "localhost:P" the address to dial is the file's own
// loopback IP, not whatever localhost resolves to first.
func FindToken(addr string) (token, dial string) {
	for _, d := range Dirs() {
		if Check(d) != nil {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.token"))
		for _, f := range files {
			tok, fileAddr, err := ReadToken(f)
			if err != nil {
				continue
			}
			if to, ok := MatchAddr(fileAddr, addr); ok {
				return tok, to
			}
		}
	}
	return "", addr
}

// MatchAddr reports whether dialling addr reaches the listener a token
// file names (fileAddr, HOST:PORT), and the address to dial so: the same
// port and the same IP (127.0.0.1 and ::ffff:127.0.0.1 are one), or the
// same host name; "localhost" matches a loopback IP in the file and is
// then dialled as that IP, since localhost may resolve to ::1 first, where
// another user may listen.
func MatchAddr(fileAddr, addr string) (dial string, ok bool) {
	hf, pf, err := net.SplitHostPort(fileAddr)
	if err != nil {
		return "", false
	}
	hd, pd, err := net.SplitHostPort(addr)
	if err != nil || !samePort(pf, pd) {
		return "", false
	}
	ipf, ipd := net.ParseIP(hf), net.ParseIP(hd)
	switch {
	case ipf != nil && ipd != nil:
		return addr, ipf.Equal(ipd)
	case hd == "localhost":
		if ipf != nil && ipf.IsLoopback() {
			return net.JoinHostPort(ipf.String(), pd), true
		}
		return "", false
	case ipf == nil && ipd == nil:
		return addr, hf == hd
	}
	return "", false
}

// samePort reports whether two port strings are the same number.
func samePort(a, b string) bool {
	na, err := strconv.ParseUint(a, 10, 16)
	if err != nil {
		return false
	}
	nb, err := strconv.ParseUint(b, 10, 16)
	return err == nil && na == nb
}

// IsLoopback reports whether host is "localhost" or a loopback IP address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
