package aioservice

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// The config file's "readiness" and "children": what WithReadiness and
// SuperviseChildren set in code, set (or changed) in services.config.
//
//	"db":  {"readiness": {"timeout": "5s"}}
//	"app": {"children": {"strategy": "one_for_all", "intensity": {"restarts": 3, "within": "10s"}}}

// ReadinessConfig is the config file's "readiness": the service tells
// when it is ready (its function calls aioctl.Ready), and the services
// that require it wait for that at most Timeout (0: no limit), as
// WithReadiness declares it in code; the file's value wins.
type ReadinessConfig struct {
	Timeout Duration `json:"timeout"`
}

// ChildrenConfig is the config file's "children": the strategy and the
// restart intensity SuperviseChildren puts the service's children under.
// The keys present replace those of the aioctl.SupervisorSpec the service's
// function passes; they take effect where it calls SuperviseChildren.
type ChildrenConfig struct {
	// Strategy is "one_for_one", "one_for_all" or "rest_for_one" (nil: the code's).
	Strategy *aioctl.Strategy `json:"strategy,omitempty"`
	// Intensity is at most Restarts restarts Within a period (nil: the code's).
	Intensity *IntensityConfig `json:"intensity,omitempty"`
}

// IntensityConfig is "children": {"intensity": …}: aioctl.Intensity with
// the period as seconds or a duration string.
type IntensityConfig struct {
	Restarts int      `json:"restarts"`
	Within   Duration `json:"within"`
}

// apply returns spec with the keys c sets put in.
func (c *ChildrenConfig) apply(spec aioctl.SupervisorSpec) aioctl.SupervisorSpec {
	if c == nil {
		return spec
	}
	if c.Strategy != nil {
		spec.Strategy = *c.Strategy
	}
	if c.Intensity != nil {
		spec.Intensity = aioctl.Intensity{Restarts: c.Intensity.Restarts, Period: time.Duration(c.Intensity.Within)}
	}
	return spec
}

// readiness decodes the "readiness" object g of entry e.
func (p *parser) readiness(e *Entry, g jfield, field string) error {
	var r ReadinessConfig
	if err := p.decodeFields(g, field, &r, map[string]any{"timeout": &r.Timeout}); err != nil {
		return err
	}
	e.Readiness = &r
	return nil
}

// children decodes the "children" object g of entry e, its intensity
// key by key (an unknown key or a bad value named with its place).
func (p *parser) children(e *Entry, g jfield, field string) error {
	var c ChildrenConfig
	var intensity json.RawMessage // decoded below, key by key
	if err := p.decodeFields(g, field, &c, map[string]any{"strategy": &c.Strategy, "intensity": &intensity}); err != nil {
		return err
	}
	fields, _ := readObject(g.val, g.valOff)
	for _, h := range fields {
		if h.key != "intensity" {
			continue
		}
		var in IntensityConfig
		f := field + ".intensity"
		if err := p.decodeFields(h, f, &in, map[string]any{"restarts": &in.Restarts, "within": &in.Within}); err != nil {
			return err
		}
		inner, _ := readObject(h.val, h.valOff)
		at := func(key string) int { // the value of key, or the object's end
			for _, k := range inner {
				if k.key == key {
					return k.valOff
				}
			}
			return h.valEnd - 1
		}
		if in.Restarts < 0 {
			return p.errAt(at("restarts"), f+".restarts", "want 0 or more restarts, not "+strconv.Itoa(in.Restarts), nil)
		}
		if in.Within <= 0 {
			return p.errAt(at("within"), f+".within", "want a duration above 0 (at most \"restarts\" restarts within it)", nil)
		}
		c.Intensity = &in
	}
	e.Children = &c
	return nil
}

// execSupervisionError refuses "readiness" and "children" on an exec
// service, which has neither a way to say it is ready nor children.
func execSupervisionError(c *Config, e *Entry) error {
	switch {
	case e.Exec == nil:
		return nil
	case e.Readiness != nil:
		return c.p.errAt(e.off["readiness"], e.field("readiness"), "an exec service cannot tell when it is ready (readiness is for a service defined in code that calls aioctl.Ready)", nil)
	case e.Children != nil:
		return c.p.errAt(e.off["children"], e.field("children"), "an exec service has no children to supervise", nil)
	}
	return nil
}
