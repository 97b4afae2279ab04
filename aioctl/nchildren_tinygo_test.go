//go:build tinygo

package aioctl

// nChildren is smaller under TinyGo: riscv-qemu has 1 MB of RAM, and a
// goroutine there costs its whole stack (16 KB with -stack-size=16KB).
const nChildren = 8
