// Package fetch shows how a task makes HTTP requests: with net/http and
// the context the task is given, so that stopping the task (aioctl stop,
// the group's Close) cancels a request in flight. See the Example.
package fetch
