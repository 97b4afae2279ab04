package aioservice

// SetLogLevelFunc sets what applies a service's "log_level" (the config
// key; aioservice does not know the log): fn gets the service's task name
// (NAME.service) and the word as written, each time the service loads
// (services load, the boot, a reload), before its task starts, and now for
// the services loaded already. The level is the log's to keep, so it
// survives restarts of the task; control.NewInterp sets fn to the ring's
// task levels (aiolog.Levels). An error from fn is printed as the load
// status lines are (WithOutput) and does not fail the load.
func (m *Manager) SetLogLevelFunc(fn func(task, level string) error) {
	m.mu.Lock()
	m.logLevel = fn
	var names, levels []string
	for _, name := range m.order {
		if e := m.entries[name]; e != nil && e.state == Loaded && e.st.LogLevel != "" {
			names, levels = append(names, name), append(levels, e.st.LogLevel)
		}
	}
	m.mu.Unlock()
	for i := range names {
		m.applyLogLevel(names[i], levels[i])
	}
}

// applyLogLevel hands a loaded service's log_level to the program.
func (m *Manager) applyLogLevel(name, level string) {
	m.mu.Lock()
	fn := m.logLevel
	m.mu.Unlock()
	if fn == nil || level == "" {
		return
	}
	if err := fn(TaskName(name), level); err != nil {
		m.printf("[ ERROR ] Service: %s log_level %q: %s", TaskName(name), level, err.Error())
	}
}
