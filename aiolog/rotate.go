//go:build !tinygo

package aiolog

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
)

// RotatingFile is an append-only file that is renamed to name.1 (replacing
// any previous name.1) and started afresh when a write would make it larger
// than its maximum size, as the seed's error.log was. It creates the file
// with mode 0600 (owner only): logs can hold secrets. It is safe for
// concurrent use. Use it with WithCopy to keep ERROR-and-above lines on disk:
//
//	f, err := aiolog.OpenRotatingFile("error.log", 64<<10)
//	if err != nil { … }
//	r := aiolog.New(256<<10, aiolog.WithCopy(slog.LevelError, f))
type RotatingFile struct {
	mu   sync.Mutex
	name string
	max  int64
	f    *os.File
	fi   os.FileInfo // f's, to see that name still names it
	size int64
}

// OpenRotatingFile opens (creating or appending to) the file name, to be
// rotated when it would exceed max bytes (max <= 0: never).
func OpenRotatingFile(name string, max int64) (*RotatingFile, error) {
	rf := &RotatingFile{name: name, max: max}
	if err := rf.open(); err != nil {
		return nil, err
	}
	return rf, nil
}

// NewRotatingFile returns a RotatingFile for name that opens the file at
// its first Write, and tries again at each Write while it cannot: a
// program starts logging whether or not the file can be written yet (a
// read-only or full disk), and WithCopy counts the failed writes.
func NewRotatingFile(name string, max int64) *RotatingFile {
	return &RotatingFile{name: name, max: max}
}

// Name returns the file's name; the old lines are in Name()+".1".
func (rf *RotatingFile) Name() string { return rf.name }

// MaxTailRead bounds what Tail reads of each file: the last MaxTailRead
// bytes, from the first whole line in them.
const MaxTailRead = 4 << 20

// Tail returns the last n lines (n <= 0: all) of the rotated file and the
// current one, oldest first, without their newlines: what the file kept,
// whatever the ring has evicted since and across restarts of the program.
// A missing file counts as empty. The lines are as written (escaped when
// they came from a Ring); a reader still escapes them, the file being
// anyone's to edit.
func (rf *RotatingFile) Tail(n int) ([]string, error) {
	rf.mu.Lock() // no rotation halfway through the reading
	defer rf.mu.Unlock()
	var lines []string
	for _, name := range []string{rf.name + ".1", rf.name} {
		b, err := readEnd(name, MaxTailRead)
		if err != nil {
			return nil, err
		}
		for len(b) > 0 {
			line, rest, _ := bytes.Cut(b, []byte{'\n'})
			lines = append(lines, string(line))
			b = rest
		}
	}
	if n > 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}

// readEnd returns the last max bytes of the file name from its first whole
// line; nothing when it does not exist.
func readEnd(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	off := max(st.Size()-limit, 0)
	b, err := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	if err != nil {
		return nil, err
	}
	if off > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			b = nil
		}
	}
	return b, nil
}

func (rf *RotatingFile) open() error {
	// 0600: error lines may hold secrets (a token in a failed request, a
	// password in a command line), so other users do not read them. A file
	// that exists keeps the mode its owner gave it.
	f, err := os.OpenFile(rf.name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	rf.f, rf.fi, rf.size = f, st, st.Size()
	return nil
}

// replaced reports whether rf.name no longer names the open file: it was
// removed or renamed (a user cleaning up, logrotate). Lines written on
// would go to a file nobody sees, Tail included. One stat per write: the
// file takes error lines, which are few.
func (rf *RotatingFile) replaced() bool {
	st, err := os.Stat(rf.name)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	return err == nil && !os.SameFile(st, rf.fi)
}

// Write appends p, rotating first if p would take the file past its
// maximum size. A write larger than the maximum goes to a fresh file. If the
// rotation fails (the rename is refused), p is still appended to the current
// file, which grows past its maximum, and Write returns the rotation's error
// with n == len(p); the next Write tries to rotate again. A file removed or
// renamed by someone else is created afresh.
func (rf *RotatingFile) Write(p []byte) (int, error) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.f != nil && rf.replaced() {
		rf.f.Close() // the lines already in it are the remover's
		rf.f = nil
	}
	if rf.f == nil {
		if err := rf.open(); err != nil {
			return 0, err
		}
	}
	var rotErr error
	if rf.max > 0 && rf.size > 0 && rf.size+int64(len(p)) > rf.max {
		// A failed rotation must not lose the line: it goes to the
		// current file, past its maximum, and the failure is returned.
		if rotErr = rf.rotate(); rotErr != nil && rf.f == nil {
			if err := rf.open(); err != nil {
				return 0, errors.Join(rotErr, err)
			}
		}
	}
	n, err := rf.f.Write(p)
	rf.size += int64(n)
	if err == nil {
		err = rotErr
	}
	return n, err
}

func (rf *RotatingFile) rotate() error {
	if err := rf.f.Close(); err != nil {
		rf.f = nil
		return err
	}
	rf.f = nil
	if err := os.Rename(rf.name, rf.name+".1"); err != nil {
		return err
	}
	return rf.open()
}

// Close closes the file. A later Write reopens it.
func (rf *RotatingFile) Close() error {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.f == nil {
		return nil
	}
	err := rf.f.Close()
	rf.f = nil
	return err
}
