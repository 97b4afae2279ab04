package aioservice

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Registry holds service definitions by name. Create one with NewRegistry,
// or use the package-level Register, which adds to Default(). Its methods
// are safe for concurrent use.
type Registry struct {
	mu       sync.RWMutex
	services map[string]*Service
	order    []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{services: make(map[string]*Service)} }

var defaultRegistry atomic.Pointer[Registry]

func init() { defaultRegistry.Store(NewRegistry()) }

// Default returns the default registry: the one the package-level
// Register adds to and NewManager(g, nil) reads.
func Default() *Registry { return defaultRegistry.Load() }

// SetDefault makes r the default registry (like aioctl.SetDefault), so a
// program or a test can start from a clean one; nil is refused with a
// panic, as a nil registry would only fail later.
func SetDefault(r *Registry) {
	if r == nil {
		panic("aioservice: SetDefault(nil)")
	}
	defaultRegistry.Store(r)
}

// Register adds s to the registry. A service whose definition is wrong (an
// invalid name or type, a WithOnLoad callback of the wrong type) and a
// second service with the same name are refused.
func (r *Registry) Register(s *Service) error {
	if s == nil {
		return fmt.Errorf("aioservice: Register(nil)")
	}
	if s.defErr != nil {
		return fmt.Errorf("aioservice: service %q: %w", s.name, s.defErr)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.services[s.name]; dup {
		return fmt.Errorf("aioservice: service %q is already registered", s.name)
	}
	r.services[s.name] = s
	r.order = append(r.order, s.name)
	return nil
}

// MustRegister is Register that panics on error, for init functions.
func (r *Registry) MustRegister(s *Service) {
	if err := r.Register(s); err != nil {
		panic(err)
	}
}

// get returns the service named name.
func (r *Registry) get(name string) (*Service, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.services[name]
	return s, ok
}

// all returns the registered services in registration order.
func (r *Registry) all() []*Service {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Service, len(r.order))
	for i, n := range r.order {
		out[i] = r.services[n]
	}
	return out
}

// Register adds s to the default registry; see Registry.Register.
func Register(s *Service) error { return Default().Register(s) }

// MustRegister adds s to the default registry and panics on error.
func MustRegister(s *Service) { Default().MustRegister(s) }
