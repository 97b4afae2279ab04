package aioservice

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrConfigWrite is matched (with errors.Is) by every *WriteError.
var ErrConfigWrite = errors.New("cannot write the config file")

// WriteError is a config edit that could not be written: a full disk, a
// read-only file or directory. The old file is left as it was.
type WriteError struct {
	File string
	Err  error
}

// Error reads "writing FILE: why".
func (e *WriteError) Error() string { return "writing " + e.File + ": " + e.Err.Error() }

// Unwrap returns the underlying error (a *fs.PathError, fs.ErrPermission…).
func (e *WriteError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrConfigWrite) true.
func (e *WriteError) Is(target error) bool { return target == ErrConfigWrite }

// configFile is a config file on disk. Reads expand ${VAR} from the
// environment and from a ".env" file in the same directory (the
// environment wins). Edits are serialised by a mutex, validated before
// anything is written, and written atomically: a temporary file in the
// same directory, fsync, rename over the old file, fsync of the directory.
// A failed edit leaves the old file as it was, and its error is a
// *WriteError (ErrConfigWrite). A read-only file (no owner write bit) is
// refused, not replaced. The first read removes the temporary files a
// writer killed mid-write left next to the file
// (".services.config.tmp-" and digits; nothing else).
type configFile struct {
	path   string
	lookup func(string) (string, bool)

	mu sync.Mutex
	// swept: the stale temporary files of killed writers were removed.
	swept bool
	// rename is os.Rename; tests replace it to simulate a crash.
	rename func(oldpath, newpath string) error
	// writeTmp writes the new text into the temporary file; tests replace
	// it to simulate a full disk.
	writeTmp func(f *os.File, data []byte) error
}

// newConfigFile returns the config file at path. lookup reads environment
// variables (nil: os.LookupEnv).
func newConfigFile(path string, lookup func(string) (string, bool)) *configFile {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	return &configFile{path: path, lookup: lookup, rename: os.Rename, writeTmp: writeAll}
}

// read reads and parses the file. A file that does not exist is an empty
// config.
func (f *configFile) read() (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.readLocked()
}

func writeAll(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}

// target is the file that edits replace: the config, or the file its
// symbolic link names (the link is kept).
func (f *configFile) target() string {
	if p, err := filepath.EvalSymlinks(f.path); err == nil {
		return p
	}
	return f.path
}

// ErrNotRegular is what a config path that exists but is not a regular
// file (after following symbolic links) is refused with: a device, a
// FIFO, a directory or a socket. An edit would replace it by a regular
// file (as root with /dev/null: replace /dev/null), and reading a FIFO or
// a device could block or never end.
var ErrNotRegular = errors.New("not a regular file")

// CheckRegular reports an error wrapping ErrNotRegular, saying what path
// is (the caller names path), when path exists and is not a regular file after following
// symbolic links. A path that does not exist (or cannot be looked at) is
// no error here: reading it says why.
func CheckRegular(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	return notRegular(path, target, fi)
}

func notRegular(path, target string, fi fs.FileInfo) error {
	what := "a " + fileKind(fi.Mode())
	if target != path {
		what = "a symlink to " + target + ", " + what
	}
	return fmt.Errorf("%s, %w: a config must be a regular file", what, ErrNotRegular)
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// tmpPrefix is the start of the names of write's temporary files for
// target; os.CreateTemp puts decimal digits after it.
func tmpPrefix(target string) string { return "." + filepath.Base(target) + ".tmp-" }

// sweep removes the temporary files a writer killed between creating one
// and renaming it over the config left behind: only names of exactly
// that form (".services.config.tmp-" and digits), regular files. Best
// effort: a file it cannot remove is left.
func (f *configFile) sweep() {
	target := f.target()
	dir := filepath.Dir(target)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tmpPrefix(target)
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || rest == "" || !e.Type().IsRegular() || strings.Trim(rest, "0123456789") != "" {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// readLocked is read with f.mu held.
func (f *configFile) readLocked() (*Config, error) {
	if !f.swept { // at start: the first time the config is loaded
		f.swept = true
		f.sweep()
	}
	if err := CheckRegular(f.path); err != nil {
		return nil, &ConfigError{File: f.path, Msg: err.Error(), Err: err}
	}
	data, err := readConfigBytes(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return nil, &ConfigError{File: f.path, Msg: err.Error(), Err: err}
	}
	return f.parse(data)
}

// MaxConfigSize is the most bytes a config file may have: far above any
// real config, it keeps a wrong file (a log, a disk image given as -c)
// from being read whole into memory and parsed.
const MaxConfigSize = 16 << 20

// ErrConfigTooLarge is matched (with errors.Is) by the error about a
// config file larger than MaxConfigSize.
var ErrConfigTooLarge = errors.New("config file larger than MaxConfigSize")

// tooLarge is the error about a config file of size bytes ("" if unknown).
type tooLarge struct{ size string }

func (e tooLarge) Error() string {
	what := "too large"
	if e.size != "" {
		what = e.size + " bytes"
	}
	return what + fmt.Sprintf(", more than the %d MiB a config may have", MaxConfigSize>>20)
}

func (e tooLarge) Is(target error) bool { return target == ErrConfigTooLarge }

// readConfigBytes reads the file at path, at most MaxConfigSize bytes.
func readConfigBytes(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigSize {
		var e tooLarge
		if fi, err := fh.Stat(); err == nil {
			e.size = strconv.FormatInt(fi.Size(), 10)
		}
		return nil, e
	}
	return data, nil
}

func (f *configFile) parse(data []byte) (*Config, error) {
	env, err := readDotEnv(filepath.Join(filepath.Dir(f.path), ".env"))
	if err != nil {
		return nil, &ConfigError{File: f.path, Msg: "reading .env: " + err.Error(), Err: err}
	}
	lookup := func(k string) (string, bool) {
		if v, ok := f.lookup(k); ok {
			return v, true
		}
		v, ok := env[k]
		return v, ok
	}
	return ParseConfig(f.path, data, lookup)
}

// edit reads the file, lets change compute its new text, parses and
// validates that, and writes it atomically. Nothing is written when any
// step fails.
func (f *configFile) edit(change func(c *Config) ([]byte, error), validate func(*Config) error) (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, err := f.readLocked()
	if err != nil {
		return nil, err
	}
	data, err := change(cur)
	if err != nil {
		return nil, err
	}
	next, err := f.parse(data)
	if err != nil {
		return nil, refused(err)
	}
	if validate != nil {
		if err := validate(next); err != nil {
			if cerr := validate(cur); sameProblem(cerr, err) {
				return nil, cerr // the file's own problem, placed in the file on disk
			}
			return nil, refused(err)
		}
	}
	if cur.p != nil && bytes.Equal(data, cur.p.orig) {
		return next, nil // nothing changed: nothing to write
	}
	if err := f.write(data); err != nil {
		return nil, err
	}
	return next, nil
}

// sameProblem reports whether two config errors are about the same field
// with the same message.
func sameProblem(a, b error) bool {
	var x, y *ConfigError
	return errors.As(a, &x) && errors.As(b, &y) && x.Field == y.Field && x.Msg == y.Msg
}

// write replaces the file atomically with data. Every failure is a
// *WriteError, and leaves the old file and no temporary file.
func (f *configFile) write(data []byte) (err error) {
	target := f.target()
	if target == f.path {
		if to, lerr := os.Readlink(f.path); lerr == nil {
			// A dangling link is a mistake to show, not a file to replace.
			return &WriteError{File: f.path, Err: fmt.Errorf("a symlink to %s, which does not exist", to)}
		}
	}
	dir := filepath.Dir(target)
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return &WriteError{File: f.path, Err: notRegular(f.path, target, fi)}
		}
		perm = fi.Mode().Perm()
		if perm&0o200 == 0 {
			// The rename would replace it all the same (it needs only
			// the directory): a read-only file is the user's "no".
			return &WriteError{File: f.path, Err: fmt.Errorf("the file is read-only (mode %04o; chmod u+w to allow edits): %w", perm, fs.ErrPermission)}
		}
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix(target)+"*")
	if err != nil {
		return &WriteError{File: f.path, Err: err}
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			os.Remove(name)
			err = &WriteError{File: f.path, Err: err}
		}
	}()
	if err = f.writeTmp(tmp, data); err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = f.rename(name, target); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}
