package aioservice

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/aiotools-go/aiotools/aioctl"
)

// A service's tasks find their manager and service through their
// context, and only there: the manager wraps each task's function (main
// and children) so that its ctx carries them, as the constructor's ctx
// does. So there is no package-level table of managers, and two managers
// on one group each find their own. aioctl offers no way to give a task's
// context a value at Add; the wrapper is the way that needs nothing of it.
// Its one cost, status naming the wrapper instead of the function the user
// gave, is undone by the manager: it records that function's name per task
// (entry.funcs) and puts it back in its status extension (extendStatus).

type svcKey struct{}

type svcCtx struct {
	m    *Manager
	name string
	life *life // the loaded instance of the service the task belongs to
}

func withService(ctx context.Context, m *Manager, name string, l *life) context.Context {
	return context.WithValue(ctx, svcKey{}, svcCtx{m, name, l})
}

// life is one loaded instance of a service: its children may be added
// until it ends. Unload (and the delete of a main task) ends it before it
// lists the children to delete, and end waits for the AddChild calls
// under way: so a child added by a service function while the service is
// being unloaded (its main task's ctx cancelled, or a child's) is either
// added before the list is made, and deleted with it, or refused. Without
// it such a child stayed in the group after Unload. The instance, not the
// name, is what ends: a task of an unloaded instance cannot add a child
// to the next load of the same service.
type life struct {
	mu    sync.Mutex
	ended bool
	adds  sync.WaitGroup // AddChild calls past the check
}

// enter reports whether a child may be added; if so, call exit after.
func (l *life) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return false
	}
	l.adds.Add(1)
	return true
}

func (l *life) exit() { l.adds.Done() }

// end refuses further children and waits for the additions under way.
// l may be nil (a service whose constructor never ran).
func (l *life) end() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.ended = true
	l.mu.Unlock()
	if lifeEndHook != nil {
		lifeEndHook()
	}
	l.adds.Wait()
}

// addChildHook, when set (tests), runs in AddChild once the child has been
// let in and before it is added: a test holds an addition under way there.
var addChildHook func(child string)

// lifeEndHook, when set (tests), runs in end once no child is let in any
// more, before it waits for the additions under way.
var lifeEndHook func()

// FromContext returns the manager and the name of the service whose task
// (main or child) or constructor got ctx; ok is false outside a service.
func FromContext(ctx context.Context) (m *Manager, name string, ok bool) {
	c, ok := ctx.Value(svcKey{}).(svcCtx)
	return c.m, c.name, ok
}

// inService returns fn with its ctx carrying the service named name of m.
func inService[A, R any](m *Manager, name string, l *life, fn aioctl.Func[A, R]) aioctl.Func[A, R] {
	return func(ctx context.Context, args A) (R, error) { return fn(withService(ctx, m, name, l), args) }
}

// funcName is the name aioctl's status shows for fn: its full name,
// without the "-fm" of a method value.
func funcName(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return ""
	}
	return strings.TrimSuffix(f.Name(), "-fm")
}

// AddChild adds and starts a child task of the service whose main task
// got ctx, named NAME.service.CHILD. A stopped or failed child of that name
// is replaced; a running one is an error. Children are stopped and removed
// with their service: once its unload (or the delete of its main task) has
// begun, AddChild returns an error that is ErrNotLoaded, and Unload leaves
// no child of the service in the group.
func AddChild[A, R any](ctx context.Context, child string, fn aioctl.Func[A, R], args A, opts ...aioctl.Option) (*aioctl.Task, error) {
	c, ok := ctx.Value(svcKey{}).(svcCtx)
	if !ok {
		return nil, errors.New("aioservice: AddChild outside a service's task")
	}
	m, name := c.m, c.name
	if !c.life.enter() {
		return nil, &ServiceError{Service: name, Err: fmt.Errorf("%w: child task %s not added: the service is being unloaded", ErrNotLoaded, TaskName(name)+"."+child)}
	}
	defer c.life.exit()
	if addChildHook != nil {
		addChildHook(child)
	}
	tn := TaskName(name) + "." + child
	if t, ok := m.g.Get(tn); ok {
		if t.State().Active() {
			return nil, &ServiceError{Service: name, Err: fmt.Errorf("child task %s is running", tn)}
		}
		if _, err := m.g.Delete(ctx, tn); err != nil {
			return nil, err
		}
	}
	// Named before the task starts: a status taken as soon as it runs
	// shows the child's function, not the wrapper.
	m.setFunc(name, tn, funcName(fn))
	t, err := aioctl.Add(m.g, inService(m, name, c.life, fn), args, append(opts, aioctl.WithName(tn))...)
	if err != nil {
		m.setFunc(name, tn, "")
		return nil, err
	}
	return t, nil
}

// setFunc records (fn != "") or forgets the function the task named task
// of the service named name runs, for extendStatus.
func (m *Manager) setFunc(name, task, fn string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[name]
	if e == nil {
		return
	}
	if fn == "" {
		delete(e.funcs, task)
		return
	}
	if e.funcs == nil {
		e.funcs = map[string]string{}
	}
	e.funcs[task] = fn
}
