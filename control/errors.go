package control

import (
	"context"
	"errors"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aioschedule"
	"github.com/aiotools-go/aiotools/control/api"
)

// Code is the stable, machine-readable kind of an Error (api.Code).
type Code = api.Code

// The error codes of the control API, defined in control/api.
const (
	CodeUnknownVerb      = api.CodeUnknownVerb
	CodeBadArgument      = api.CodeBadArgument
	CodeNotFound         = api.CodeNotFound
	CodeNotAvailable     = api.CodeNotAvailable
	CodeUnauthorized     = api.CodeUnauthorized
	CodeTooLarge         = api.CodeTooLarge
	CodeBadRequest       = api.CodeBadRequest
	CodeMethodNotAllowed = api.CodeMethodNotAllowed
	CodeNoEndpoint       = api.CodeNoEndpoint
	CodeTimeout          = api.CodeTimeout
	CodeConflict         = api.CodeConflict
	CodeNotStream        = api.CodeNotStream
	CodeStreamOnly       = api.CodeStreamOnly
	CodeTooManyConns     = api.CodeTooManyConns
	CodeIOError          = api.CodeIOError
	CodeLoadFailed       = api.CodeLoadFailed
	CodeInternal         = api.CodeInternal
)

// Error is an error of the control API (api.Error): a stable Code and a
// message for people.
type Error = api.Error

func errorf(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// CodeOf returns the code of err: its own when it is (or wraps) an *Error,
// otherwise one derived from the aioctl error kinds; "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	switch {
	case errors.Is(err, aioctl.ErrNotFound), errors.Is(err, aioctl.ErrDeleted):
		return CodeNotFound // ErrDeleted: a start that raced a delete
	case errors.Is(err, aioctl.ErrUnknownKind), errors.Is(err, aioschedule.ErrNotScheduled):
		return CodeNotFound
	case errors.Is(err, aioctl.ErrBadArgs), errors.Is(err, aioschedule.ErrBadSpec):
		return CodeBadArgument
	case errors.Is(err, aioctl.ErrStopTimeout), errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, aioctl.ErrStillStopping):
		return CodeConflict
	}
	return CodeInternal
}

// asError turns any error into an *Error (nil stays nil).
func asError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeOf(err), Message: err.Error()}
}
