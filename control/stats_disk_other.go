//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package control

import "github.com/aiotools-go/aiotools/control/api"

// diskUse is unknown here: the document leaves disk out.
func diskUse(dir string) *api.Disk { return nil }
