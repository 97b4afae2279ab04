package aioservice

import "hash/maphash"

// nameIndex maps service names to their index in a []depNode. It is an
// open-addressing table of one uint64 per slot (a 32-bit hash tag and the
// index), at most half full: with 100,000 services it is 2 MiB and a
// look-up touches one slot, where a map[string]int32 spread its groups
// (keys and values inline) over twice that and cost half of the boot
// order's time in cache misses (issue 13 target 7).
type nameIndex struct {
	nodes []depNode
	slots []uint64 // 0: empty; else tag<<32 | index+1
	mask  uint64
	seed  maphash.Seed
}

func newNameIndex(nodes []depNode) *nameIndex {
	size := 16
	for size < 2*len(nodes) {
		size <<= 1
	}
	x := &nameIndex{nodes: nodes, slots: make([]uint64, size), mask: uint64(size - 1), seed: maphash.MakeSeed()}
	for i := range nodes {
		x.put(nodes[i].Name, int32(i))
	}
	return x
}

// put adds name at index i; a name already there now means i (the last
// of duplicate names wins, as with a map).
func (x *nameIndex) put(name string, i int32) {
	h := maphash.String(x.seed, name)
	tag := h >> 32
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		v := x.slots[s]
		if v == 0 || v>>32 == tag && x.nodes[uint32(v)-1].Name == name {
			x.slots[s] = tag<<32 | uint64(i+1)
			return
		}
	}
}

// get returns the index of name.
func (x *nameIndex) get(name string) (int32, bool) {
	h := maphash.String(x.seed, name)
	tag := h >> 32
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		v := x.slots[s]
		if v == 0 {
			return 0, false
		}
		if v>>32 == tag && x.nodes[uint32(v)-1].Name == name {
			return int32(uint32(v) - 1), true
		}
	}
}
