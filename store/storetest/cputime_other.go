//go:build !unix

package storetest

import "time"

// CPUTime returns 0 where getrusage is unavailable.
func CPUTime() time.Duration { return 0 }
