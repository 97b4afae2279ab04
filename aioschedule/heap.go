package aioschedule

// entryHeap is a min-heap of entries by fireAt, each entry knowing its
// index. It is written out for *entry rather than through container/heap:
// a burst of thousands of due runs re-plans each at the top and sinks it,
// and the interface calls were a fifth of that cost.
type entryHeap []*entry

func (h entryHeap) less(i, j int) bool { return h[i].fireAt.Before(h[j].fireAt) }

func (h entryHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = int32(i)
	h[j].index = int32(j)
}

func (h *entryHeap) push(e *entry) {
	e.index = int32(len(*h))
	*h = append(*h, e)
	h.up(len(*h) - 1)
}

// remove takes out the entry at index i.
func (h *entryHeap) remove(i int) {
	old := *h
	n := len(old) - 1
	if i != n {
		old.swap(i, n)
	}
	e := old[n]
	old[n] = nil
	e.index = -1
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
}

// fix restores the order after the entry at i changed its fireAt.
func (h entryHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h entryHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2 // parent
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

// down sinks the entry at i0 and reports whether it moved. It first moves
// the hole down along the earlier child to the bottom, one comparison per
// level, then lifts the entry back up while it fires before the parent
// (Floyd's bottom-up sift). A re-planned entry at the top, the case that
// matters (each run of a burst of 10,000 due at once), belongs at or near
// the bottom: this makes about half the comparisons of testing, at every
// level, whether it may stop there.
func (h entryHeap) down(i0 int) bool {
	e := h[i0]
	i, n := i0, len(h)
	for {
		j := 2*i + 1
		if j >= n || j < 0 {
			break
		}
		if r := j + 1; r < n && h.less(r, j) {
			j = r
		}
		h[i] = h[j]
		h[i].index = int32(i)
		i = j
	}
	for i > i0 {
		p := (i - 1) / 2
		if !e.fireAt.Before(h[p].fireAt) {
			break
		}
		h[i] = h[p]
		h[i].index = int32(i)
		i = p
	}
	h[i] = e
	e.index = int32(i)
	return i > i0
}
