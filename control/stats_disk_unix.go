//go:build linux || darwin || freebsd || netbsd || openbsd

package control

import (
	"syscall"

	"github.com/aiotools-go/aiotools/control/api"
)

// diskUse is the use of the file system holding dir (statfs), or nil.
func diskUse(dir string) *api.Disk {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil
	}
	bs := uint64(st.Bsize)
	total, free := uint64(st.Blocks)*bs, uint64(st.Bavail)*bs
	return &api.Disk{Path: dir, Total: total, Free: free, Used: total - uint64(st.Bfree)*bs}
}
