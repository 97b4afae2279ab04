package fleet

import (
	"net/url"
	"strings"
)

// RedactConnectError returns err, from connecting to the broker at u,
// with u's password masked: paho's connection errors carry the whole URL
// ("failed to connect to mqtt://user:secret@host:1883: dial tcp …"), and
// they reach the terminal, the ring log, the dashboard and an error.log.
// The URL paho leads with is dropped (the caller names the broker, as
// u.Redacted()); any other mention is masked. errors.Is and errors.As
// see the original error.
func RedactConnectError(err error, u *url.URL) error {
	if err == nil || u == nil {
		return err
	}
	full := u.String()
	msg := err.Error()
	msg = strings.Replace(msg, "failed to connect to "+full+": ", "", 1)
	msg = strings.ReplaceAll(msg, full, u.Redacted())
	if p, ok := u.User.Password(); ok && p != "" {
		// A form of the URL other than u.String() (paho's own parse).
		msg = strings.ReplaceAll(msg, ":"+url.PathEscape(p)+"@", ":xxxxx@")
		msg = strings.ReplaceAll(msg, ":"+p+"@", ":xxxxx@")
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
