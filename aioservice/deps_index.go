package aioservice

import "hash/maphash"

// nameIndex finds a service's position in the node list by its name. It
// stands where a map[string]int32 stood: the map cost boot order its
// linearity at 100k services (issue 13: 16× per 10× more services), not
// by its O(1) look-ups but by their memory. A swiss map of 100k string
// keys is ~4 MiB in ~100 separately allocated tables, beyond the L2
// cache, and the collector scans it (string keys are pointers). This
// table is one allocation of 8-byte slots without pointers, 2–4 slots per
// name (≤ 2 MiB at 100k): a look-up is one hash, a slot read that is
// usually the only one, and one string comparison.
type nameIndex struct {
	seed  maphash.Seed
	names []depNode
	mask  uint64
	// slots holds, per occupied slot, the upper 32 bits of the name's
	// hash over its node index + 1; 0 is an empty slot.
	slots []uint64
	// probes counts the slots get and put looked at: the test holds
	// that it stays a small constant per name, whatever the size.
	probes int
}

// newNameIndex indexes the names of nodes; a name given twice finds its
// last node (as the map it replaces did).
func newNameIndex(nodes []depNode) *nameIndex {
	size := 2
	for size < 2*len(nodes) {
		size <<= 1
	}
	x := &nameIndex{seed: maphash.MakeSeed(), names: nodes, mask: uint64(size - 1), slots: make([]uint64, size)}
	for i := range nodes {
		x.put(nodes[i].Name, int32(i))
	}
	return x
}

// put records that name is at node i (linear probing).
func (x *nameIndex) put(name string, i int32) {
	h := maphash.String(x.seed, name)
	tag := h >> 32 << 32
	for p := h & x.mask; ; p = (p + 1) & x.mask {
		x.probes++
		s := x.slots[p]
		if s == 0 || (s>>32<<32 == tag && x.names[int32(s)-1].Name == name) {
			x.slots[p] = tag | uint64(i+1)
			return
		}
	}
}

// get returns the node index of name, or false when no node has it.
func (x *nameIndex) get(name string) (int32, bool) {
	h := maphash.String(x.seed, name)
	tag := h >> 32 << 32
	for p := h & x.mask; ; p = (p + 1) & x.mask {
		x.probes++
		s := x.slots[p]
		if s == 0 {
			return 0, false
		}
		if s>>32<<32 == tag && x.names[int32(s)-1].Name == name {
			return int32(s) - 1, true
		}
	}
}

// resolve returns the node indices of every node's dependencies, node by
// node: its Requires, then those of its After that exist. indeg[i] gets
// node i's count. A required name that no node has is a *MissingError.
//
// It looks the names up in three passes over all of them (hash; read the
// slot; compare the name) where one pass did all three per name: each
// pass's reads are independent of each other, so the processor overlaps
// their cache misses instead of waiting for each in turn. With 100k
// services the table and the names outgrow the cache, and that waiting
// was most of boot order's time: the passes take 13% less CPU than one
// (benchstat, 8 alternating runs of 100k services' look-ups).
func (x *nameIndex) resolve(nodes []depNode, indeg []int32) ([]int32, error) {
	total := 0
	for i := range nodes {
		total += len(nodes[i].Requires) + len(nodes[i].After)
	}
	deps := make([]int32, 0, total)
	var buf [resolveChunk]uint64
	for i0 := 0; i0 < len(nodes); {
		// A chunk of nodes whose names fit buf (more when one node has
		// more dependencies than that: hs then grows for it).
		hs := buf[:0]
		i1 := i0
		for i1 < len(nodes) && (i1 == i0 || len(hs)+len(nodes[i1].Requires)+len(nodes[i1].After) <= resolveChunk) {
			for _, d := range nodes[i1].Requires {
				hs = append(hs, maphash.String(x.seed, d))
			}
			for _, d := range nodes[i1].After {
				hs = append(hs, maphash.String(x.seed, d))
			}
			i1++
		}
		for k, h := range hs { // the slot holding h's tag, or 0
			tag := h >> 32 << 32
			p := h & x.mask
			for {
				x.probes++
				s := x.slots[p]
				if s == 0 || s>>32<<32 == tag {
					hs[k] = s
					break
				}
				p = (p + 1) & x.mask
			}
		}
		k := 0
		find := func(d string) (int32, bool) {
			s := hs[k]
			k++
			if s == 0 {
				return 0, false
			}
			if j := int32(s) - 1; x.names[j].Name == d {
				return j, true
			}
			return x.get(d) // two names with the same tag: rare
		}
		for i := i0; i < i1; i++ {
			for _, d := range nodes[i].Requires {
				j, ok := find(d)
				if !ok {
					return nil, &MissingError{Service: nodes[i].Name, Missing: d}
				}
				deps = append(deps, j)
			}
			for _, d := range nodes[i].After {
				if j, ok := find(d); ok {
					deps = append(deps, j)
				}
			}
			indeg[i] = int32(len(deps))
		}
		i0 = i1
	}
	return deps, nil
}

// resolveChunk is how many names resolve hashes before it looks them up:
// enough to keep the processor's memory reads in flight, few enough that
// the hashes stay in the first-level cache.
const resolveChunk = 256
