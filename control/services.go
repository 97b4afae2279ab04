package control

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// serviceName accepts "hello" and "hello.service".
func serviceName(s string) string { return strings.TrimSuffix(s, aioservice.Suffix) }

func (in *Interp) serviceNames() []string {
	if in.c.Services == nil {
		return nil
	}
	var out []string
	for _, i := range in.c.Services.List() {
		out = append(out, i.Name)
	}
	return out
}

// serviceErr maps aioservice's errors onto the API's codes.
func serviceErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, aioservice.ErrUnknownService), errors.Is(err, aioservice.ErrNotLoaded):
		return &Error{Code: CodeNotFound, Message: err.Error()}
	case errors.Is(err, aioservice.ErrConfig), errors.Is(err, aioservice.ErrAlreadyLoaded):
		return &Error{Code: CodeBadArgument, Message: strings.ReplaceAll(err.Error(), "\n", "; ")}
	case errors.Is(err, aioservice.ErrLoadFailed):
		return &Error{Code: CodeLoadFailed, Message: strings.ReplaceAll(err.Error(), "\n", "; ")}
	case errors.Is(err, aioservice.ErrConfigWrite):
		return &Error{Code: CodeIOError, Message: strings.ReplaceAll(err.Error(), "\n", "; ")}
	case errors.Is(err, aioservice.ErrNoConfigFile):
		return &Error{Code: CodeNotAvailable, Message: "this program's services have no config file"}
	}
	var se *aioservice.ServiceError
	if errors.As(err, &se) {
		// A service that did not start (a core service failed, a service
		// it requires is not up, its task was deleted meanwhile): the
		// state the services are in says no; the message says why.
		return &Error{Code: CodeConflict, Message: strings.ReplaceAll(err.Error(), "\n", "; ")}
	}
	return oneLine(err)
}

// expandServices turns names and patterns into service names; "" patterns
// mean all.
func (in *Interp) expandServices(args []string) ([]string, error) {
	all := in.serviceNames()
	if len(args) == 0 {
		return all, nil
	}
	pats := make([]string, len(args))
	for i, a := range args {
		pats[i] = serviceName(a)
	}
	var out []string
	for _, n := range all {
		if matchAny(pats, n) {
			out = append(out, n)
		}
	}
	return out, notFound(pats, all, "service")
}

func runServicesList(ctx context.Context, in *Interp, c *call) (*Result, error) {
	var b strings.Builder
	m := in.c.Services
	_ = m.WriteList(&b)
	list := m.List()
	if list == nil {
		list = []aioservice.Info{}
	}
	return &Result{Data: list, Text: b.String()}, nil
}

func runServicesStatus(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.expandServices(c.args)
	if len(c.args) > 0 && len(names) == 0 {
		return &Result{Data: []string{}}, err
	}
	lines := in.c.Services.LoadStatus(names...)
	if len(c.args) == 0 {
		lines = in.c.Services.LoadStatus()
	}
	if lines == nil {
		lines = []string{}
	}
	text := strings.Join(escAll(lines), "\n")
	if text != "" {
		text += "\n"
	}
	return &Result{Data: lines, Text: text}, err
}

// eachService runs f for each named service, collecting what worked.
func (in *Interp) eachService(c *call, verb string, f func(name string) error) (*Result, error) {
	names, err := in.expandServices(c.args)
	errs := []error{err}
	var done []string
	for _, n := range names {
		if e := f(n); e != nil {
			errs = append(errs, serviceErr(e))
			continue
		}
		done = append(done, n)
	}
	return namesResult(verb, done, "no service "+verb), joinErrors(errs)
}

// joinErrors joins errors into one *Error with the first code.
func joinErrors(errs []error) error {
	var msgs []string
	var code Code
	for _, e := range errs {
		if e == nil {
			continue
		}
		if code == "" {
			code = CodeOf(e)
		}
		msgs = append(msgs, strings.ReplaceAll(e.Error(), "\n", "; "))
	}
	if len(msgs) == 0 {
		return nil
	}
	return &Error{Code: code, Message: strings.Join(msgs, "; ")}
}

// runServicesLoad loads the services from the config file as it is now
// (so a name only the file knows, added since the start, is found) and,
// unless --no-start, starts them as the boot does: the seed's load did.
func runServicesLoad(ctx context.Context, in *Interp, c *call) (*Result, error) {
	m := in.c.Services
	start := func(verb string, names []string, r *Result, err error) (*Result, error) {
		if c.has("no-start") || len(names) == 0 {
			return r, err
		}
		started, serr := m.Start(ctx, names...)
		r = namesResult(verb+" and started", started, "no service started")
		return r, joinErrors([]error{err, serviceErr(serr)})
	}
	if len(c.args) == 1 && c.args[0] == "all" {
		before := map[string]bool{}
		for _, i := range m.List() {
			before[i.Name] = i.Load == aioservice.Loaded
		}
		err := m.LoadAll(ctx, true)
		var loaded, fresh []string
		for _, i := range m.List() {
			if i.Load == aioservice.Loaded {
				loaded = append(loaded, i.Name)
				if !before[i.Name] {
					fresh = append(fresh, i.Name)
				}
			}
		}
		if c.has("no-start") || len(fresh) == 0 {
			return namesResult("loaded", loaded, "no service loaded"), serviceErr(err)
		}
		// Only those this load loaded: a service the user stopped stays so.
		_, serr := m.Start(ctx, fresh...)
		return namesResult("loaded", loaded, "no service loaded"), joinErrors([]error{serviceErr(err), serviceErr(serr)})
	}
	// A plain name goes to Load as it is: Load reads the file as it is
	// now, so it finds an entry added since the program started, which
	// the names of the last read (patterns) do not have.
	var pats, loaded, running []string
	var errs []error
	// The verb loads and starts: a service loaded but not started (load
	// --no-start, or stopped) is started; a running one is reported, as
	// nothing is left to do.
	load := func(n string) error {
		err := m.Load(ctx, n, true)
		if errors.Is(err, aioservice.ErrAlreadyLoaded) && !c.has("no-start") {
			if t, ok := in.c.Group.Get(n + aioservice.Suffix); ok && t.State() == aioctl.Running {
				running = append(running, n)
				return nil
			}
			err = nil
		}
		if err != nil {
			return serviceErr(err)
		}
		loaded = append(loaded, n)
		return nil
	}
	for _, a := range c.args {
		if strings.Contains(a, "*") {
			pats = append(pats, a)
			continue
		}
		if err := load(serviceName(a)); err != nil {
			errs = append(errs, err)
		}
	}
	if len(pats) > 0 {
		names, err := in.expandServices(pats)
		errs = append(errs, err)
		for _, n := range names {
			if err := load(n); err != nil {
				errs = append(errs, err)
			}
		}
	}
	empty := "no service loaded"
	if len(running) > 0 {
		empty = ""
	}
	r, err := start("loaded", loaded, namesResult("loaded", loaded, empty), joinErrors(errs))
	for _, n := range running {
		r.Text += esc(n) + aioservice.Suffix + " is already loaded and running\n"
	}
	return r, err
}

// runServicesAdd installs a service: its new entry, loaded and started.
func runServicesAdd(ctx context.Context, in *Interp, c *call) (*Result, error) {
	name := serviceName(c.args[0])
	if strings.Contains(name, "*") {
		return nil, errorf(CodeBadArgument, "services add: give one service name, not a pattern")
	}
	if err := in.c.Services.Add(ctx, name, []byte(c.args[1])); err != nil {
		if errors.Is(err, aioservice.ErrAlreadyLoaded) {
			// A taken name, as for clone and add (nameFree): a conflict
			// (exit 1), not a bad argument, and what to do instead.
			return nil, errorf(CodeConflict, c.verb.Name+": "+strconv.Quote(name)+" is loaded already: change its entry with services config, or remove it first with services remove")
		}
		return nil, serviceErr(err)
	}
	return namesResult("added, loaded and started", []string{name}, ""), nil
}

// runServicesRemove uninstalls services: stopped, unloaded, entry deleted.
func runServicesRemove(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return in.eachService(c, "removed", func(n string) error { return in.c.Services.Remove(ctx, n) })
}

func runServicesUnload(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return in.eachService(c, "unloaded", func(n string) error { return in.c.Services.Unload(ctx, n) })
}

func runServicesEnable(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return in.eachService(c, "enabled", in.c.Services.Enable)
}

func runServicesDisable(ctx context.Context, in *Interp, c *call) (*Result, error) {
	return in.eachService(c, "disabled", in.c.Services.Disable)
}

// runServicesConfig edits the service's entry with the JSON argument as
// a merge patch (RFC 7396): what it does not name stays as it is.
func runServicesConfig(ctx context.Context, in *Interp, c *call) (*Result, error) {
	name := serviceName(c.args[0])
	if strings.Contains(name, "*") {
		return nil, errorf(CodeBadArgument, "services config: give one service name, not a pattern")
	}
	if err := in.c.Services.PatchConfig(name, []byte(c.args[1])); err != nil {
		return nil, serviceErr(err)
	}
	return namesResult("config written (used at the next load) for", []string{name}, ""), nil
}

func runServicesGetConfig(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.expandServices(c.args)
	if err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	var b strings.Builder
	var errs []error
	for _, n := range names {
		raw, e := in.c.Services.GetConfig(n)
		if e != nil {
			errs = append(errs, serviceErr(e))
			continue
		}
		out[n] = raw
		b.WriteString(esc(aioservice.TaskName(n)) + ": " + termsafe.Text(string(termsafe.JSON(raw))) + "\n")
	}
	return &Result{Data: out, Text: b.String()}, joinErrors(errs)
}

func runServicesTraceback(ctx context.Context, in *Interp, c *call) (*Result, error) {
	names, err := in.expandServices(c.args)
	out := map[string]string{}
	var b strings.Builder
	for _, n := range names {
		tb, e := in.c.Services.Traceback(n)
		if e != nil || tb == "" {
			continue // not loaded, or loaded fine
		}
		out[n] = tb
		b.WriteString("● " + esc(aioservice.TaskName(n)) + ": " + escLines(tb) + "\n")
	}
	if len(out) == 0 {
		b.WriteString("no traceback: no matching service failed to load\n")
	}
	return &Result{Data: out, Text: b.String()}, err
}

// runBootOrder shows the order the manager boots in (Manager.BootOrder):
// the core services, then the others, each phase's steps numbered.
func runBootOrder(ctx context.Context, in *Interp, c *call) (*Result, error) {
	bo, err := in.c.Services.BootOrder()
	if err != nil {
		return nil, errorf(CodeBadArgument, "boot order: "+err.Error())
	}
	var b strings.Builder
	levels := bo.Levels
	for _, set := range []struct {
		order []string
		title string
	}{{bo.Core, "[ Booting ] Order"}, {bo.Others, "[ Starting ] Order"}} { // as the boot prints them
		if len(set.order) == 0 {
			continue
		}
		b.WriteString(set.title + ": --> " + strings.Join(escAll(set.order), " --> ") + "\n")
		// The phase's steps come first in what is left of Levels: those
		// holding its services (a step never mixes the phases).
		for i := 0; len(levels) > 0 && slices.Contains(set.order, levels[0][0]); i++ {
			b.WriteString("    ┗━► step " + strconv.Itoa(i+1) + ": " + strings.Join(escAll(levels[0]), ", ") + "\n")
			levels = levels[1:]
		}
	}
	if len(bo.Core)+len(bo.Others) == 0 {
		b.WriteString("no enabled services\n")
	}
	return &Result{Data: bo, Text: b.String()}, nil
}

// runServicesReport prints the watcher's report (aioservice.call("watcher")).
func runServicesReport(ctx context.Context, in *Interp, c *call) (*Result, error) {
	var b strings.Builder
	if err := in.c.Services.Report(&b); err != nil {
		return nil, serviceErr(err)
	}
	return &Result{Data: b.String(), Text: b.String()}, nil
}

// runServicesBoot runs the boot again for the services that are not up.
func runServicesBoot(ctx context.Context, in *Interp, c *call) (*Result, error) {
	started, err := in.c.Services.Start(ctx)
	return namesResult("started", started, "nothing to start: every enabled, loaded service is up"), serviceErr(err)
}
