package aioservice

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// ConfigFile is a config file on disk. Reads expand ${VAR} from the
// environment and from a ".env" file in the same directory (the
// environment wins). Edits are serialised by a mutex, validated before
// anything is written, and written atomically: a temporary file in the
// same directory, fsync, rename over the old file, fsync of the directory.
// A failed edit leaves the old file as it was.
type ConfigFile struct {
	path   string
	lookup func(string) (string, bool)

	mu sync.Mutex
	// rename is os.Rename; tests replace it to simulate a crash.
	rename func(oldpath, newpath string) error
}

// NewConfigFile returns the config file at path. lookup reads environment
// variables (nil: os.LookupEnv).
func NewConfigFile(path string, lookup func(string) (string, bool)) *ConfigFile {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	return &ConfigFile{path: path, lookup: lookup, rename: os.Rename}
}

// Path returns the file's path.
func (f *ConfigFile) Path() string { return f.path }

// Read reads and parses the file. A file that does not exist is an empty
// config.
func (f *ConfigFile) Read() (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.read()
}

func (f *ConfigFile) read() (*Config, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return nil, &ConfigError{File: f.path, Msg: err.Error(), Err: err}
	}
	return f.parse(data)
}

func (f *ConfigFile) parse(data []byte) (*Config, error) {
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
func (f *ConfigFile) edit(change func(c *Config) ([]byte, error), validate func(*Config) error) (*Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, err := f.read()
	if err != nil {
		return nil, err
	}
	data, err := change(cur)
	if err != nil {
		return nil, err
	}
	next, err := f.parse(data)
	if err != nil {
		return nil, err
	}
	if validate != nil {
		if err := validate(next); err != nil {
			return nil, err
		}
	}
	if err := f.write(data); err != nil {
		return nil, err
	}
	return next, nil
}

// write replaces the file atomically with data.
func (f *ConfigFile) write(data []byte) (err error) {
	target := f.path
	if p, err := filepath.EvalSymlinks(f.path); err == nil {
		target = p // a symlinked config keeps its link: the file it names is replaced
	} else if to, lerr := os.Readlink(f.path); lerr == nil {
		// A dangling link is a mistake to show, not a file to replace.
		return fmt.Errorf("writing %s: a symlink to %s, which does not exist", f.path, to)
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		perm = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			os.Remove(name)
			err = fmt.Errorf("writing %s: %w", f.path, err)
		}
	}()
	if _, err = tmp.Write(data); err == nil {
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
