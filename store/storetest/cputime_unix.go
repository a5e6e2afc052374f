//go:build unix

package storetest

import (
	"syscall"
	"time"
)

// CPUTime returns the user+system CPU time this process has used so far.
// Benchmarks report CPU per record because wall-clock rates on a shared,
// loaded machine say more about the neighbours than about the code.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
