//go:build unix

package localpg

import "syscall"

// syscallZero probes whether a process exists without touching it.
var syscallZero = syscall.Signal(0)
