package control

import (
	"sync"

	"github.com/aiotools-go/aiotools/aioctl"
)

// statusBufs holds the buffers status renders into: the text of a hundred
// tasks is some 10 KiB, asked for on every refresh of every client, and
// rendering by appending into a reused buffer leaves one allocation per
// request (the answer's string) where building it piece by piece made
// hundreds.
var statusBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledStatus keeps an outsize buffer (a status with every log line)
// out of the pool.
const maxPooledStatus = 1 << 20

// renderStatus is aioctl.Render of sts into a pooled buffer, as a string.
func renderStatus(sts []aioctl.TaskStatus, opt aioctl.RenderOptions) string {
	bp := statusBufs.Get().(*[]byte)
	b := aioctl.AppendRender((*bp)[:0], sts, opt)
	text := string(b)
	if cap(b) <= maxPooledStatus {
		*bp = b
		statusBufs.Put(bp)
	}
	return text
}
