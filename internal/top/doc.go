// Package top is aioctl top: a full-screen live view of the tasks and
// services of one program (over its control socket) or, through another
// Source, of many devices. It is built on bubbletea (the Elm
// architecture: Update and View are pure functions of a Model, which the
// tests drive key by key and compare with golden screens) and lipgloss
// (colours, with none under NO_COLOR).
//
// What it shows and the keys it takes are in Help (the ? screen). It
// redraws when a Source reports a change: Local (one program) follows the
// program's watch stream (a state change as it happens) and takes a new
// status and stats snapshot after each burst of changes; between changes
// only the stats (memory, uptime) are refreshed, every Local.StatsEvery.
// Fleet (the devices on an MQTT broker, package aiomqtt/fleet) builds a
// device's snapshot from its retained Homie topics and stats, again after
// each message that changes them (gathered for a frame's time), and runs
// verbs and follows logs by MQTT request/response. Another source plugs
// in by implementing Source: snapshots pushed, verbs run on a device.
//
// Everything a program sends (task names, results, stats, log lines) is
// escaped with internal/termsafe before it reaches the screen.
package top
