package main

import (
	"errors"
	"net"
	"os"
	"strconv"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/control/client"
	"github.com/aiotools-go/aiotools/control/sockdir"
)

// Where aioctl connects: the socket or the address, from the flags, the
// environment and the sockets it finds.

// client connects lazily, to the socket or address the flags name.
func (a *app) client() (*client.Client, error) {
	if a.cl != nil {
		return a.cl, nil
	}
	opt, err := a.where()
	if err != nil {
		return nil, err
	}
	if opt.Addr != "" {
		host, _, _ := net.SplitHostPort(opt.Addr)
		if opt.Token == "" {
			// The file's token only goes to the file's own address: for
			// localhost that is its loopback IP, dialled as such.
			opt.Token, opt.Addr = sockdir.FindToken(opt.Addr)
		}
		if a.useTLS || a.cacert != "" {
			tc, err := tlsConfig(a.cacert)
			if err != nil {
				return nil, err
			}
			tc.ServerName = host // the name given, even when dialled by IP
			opt.TLS = tc
		}
	}
	if _, set := os.LookupEnv("AIOCTL_SOCKET"); !set && opt.Socket == "" && opt.Addr == "" {
		// The socket `aiotools run`/`demo` was told by $AIOTOOLS_SOCKET.
		opt.Socket = os.Getenv("AIOTOOLS_SOCKET")
	}
	if opt.Socket == "" && opt.Addr == "" {
		p, err := sockdir.Find()
		if err != nil {
			return nil, &cliError{api.CodeNoProgram, err.Error()}
		}
		opt.Socket = p
	}
	cl, err := client.New(opt)
	if errors.Is(err, client.ErrAddress) {
		from := "--addr"
		if !a.flagGiven("addr") {
			from = "$AIOCTL_ADDR"
		}
		return nil, &cliError{api.CodeBadArgument, from + ": want HOST:PORT, got " + strconv.Quote(a.addr)}
	}
	if err != nil {
		return nil, &cliError{api.CodeBadArgument, err.Error()}
	}
	a.cl, a.at = cl, opt.Socket
	if a.at == "" {
		a.at = a.addr
	}
	return cl, nil
}

// where is the socket or the address to talk to, from the flags and the
// environment: a flag given on the command line beats the variables
// ($AIOCTL_SOCKET set and --addr given: the address), and two of them
// at once are a usage error naming them.
func (a *app) where() (client.Options, error) {
	opt := client.Options{Socket: a.socket, Addr: a.addr, Token: a.token}
	socketFlag, addrFlag := a.flagGiven("socket"), a.flagGiven("addr")
	switch {
	case socketFlag && addrFlag:
		return opt, &cliError{api.CodeBadArgument, "give --socket or --addr, not both"}
	case addrFlag:
		opt.Socket = ""
	case socketFlag:
		opt.Addr = ""
	case opt.Socket != "" && opt.Addr != "":
		return opt, &cliError{api.CodeBadArgument, "$AIOCTL_SOCKET and $AIOCTL_ADDR are both set: give --socket or --addr, or unset one"}
	}
	return opt, nil
}

// flagGiven reports whether a global flag was given on the command line
// (not only its default from the environment).
func (a *app) flagGiven(name string) bool {
	if a.root == nil { // an app made without its commands (tests)
		return false
	}
	f := a.root.PersistentFlags().Lookup(name)
	return f != nil && f.Changed
}
