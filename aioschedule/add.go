package aioschedule

import (
	"context"

	"github.com/aiotools-go/aiotools/aioctl"
)

// Add adds fn(ctx, args) to the scheduler's group as a deferred task (state
// Scheduled) and schedules it by spec, in one call: the seed's
// schedule_task decorator. The spec is checked first: a bad one adds no task.
// opts are aioctl's task options (WithName, WithRestart, …).
func Add[A, R any](s *Scheduler, fn aioctl.Func[A, R], args A, spec Spec, opts ...aioctl.Option) (*aioctl.Task, error) {
	// Refuse what Schedule would refuse before adding the task: undoing
	// the add can only delete by name, and a name may hold a '*'.
	if err := s.check(spec); err != nil {
		return nil, err
	}
	all := make([]aioctl.Option, 0, len(opts)+1)
	all = append(all, opts...)
	all = append(all, aioctl.Deferred())
	t, err := aioctl.Add(s.g, fn, args, all...)
	if err != nil {
		return nil, err
	}
	if err := s.Schedule(t.Name(), spec); err != nil {
		// Only a Close or a delete racing this Add gets here. A name with a
		// '*' would delete other tasks as a pattern: leave that task.
		if !aioctl.IsPattern(t.Name()) {
			_, _ = s.g.Delete(context.Background(), t.Name())
		}
		return nil, err
	}
	return t, nil
}
