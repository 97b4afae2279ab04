package control

import (
	"github.com/aiotools-go/aiotools/internal/termsafe"
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

// putStatusBuf returns to the pool the buffer *data was appended into.
func putStatusBuf(bp *[]byte, data *[]byte) {
	if cap(*data) <= maxPooledStatus {
		*bp = (*data)[:0]
		statusBufs.Put(bp)
	}
}

// appendStatusesJSON appends sts as a JSON array, with DEL, C1 and bidi
// controls escaped as marshalSafe escapes them: the bytes marshalData
// writes for them.
func appendStatusesJSON(b []byte, sts []aioctl.TaskStatus) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i := range sts {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = sts[i].AppendJSON(b); err != nil {
			return b, err
		}
	}
	b = append(b, ']')
	return termsafe.JSON(b), nil // b itself unless a string holds DEL, C1 or bidi
}

// statusSlices holds the snapshots text status renders from: a hundred
// statuses are some 30 KiB, dropped as soon as they are rendered.
var statusSlices = sync.Pool{New: func() any { return new([]aioctl.TaskStatus) }}

// putStatusSlice clears *sts (it holds results, logs and arguments that
// must not stay reachable) and returns it to the pool, unless it is
// outsize.
func putStatusSlice(sp *[]aioctl.TaskStatus, sts *[]aioctl.TaskStatus) {
	s := *sts
	if cap(s) > 4096 {
		return
	}
	clear(s)
	*sp = s[:0]
	statusSlices.Put(sp)
}
