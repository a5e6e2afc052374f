// Package streamtest checks, in the list readers' tests, that a reader
// streams: reading a long input keeps the live heap small and flat.
package streamtest

import (
	"errors"
	"io"
	"runtime"
	"testing"
)

// MaxHeapGrowth is how much the live heap may grow while a reader drains a
// stream many times larger: about one record plus buffers.
const MaxHeapGrowth = 4 << 20

// Check drains next until io.EOF, sampling the live heap every `every`
// records, and fails t unless exactly want records were read and the live
// heap never grew by more than MaxHeapGrowth over what it was before
// reading (other tests of a package may keep their own data alive, so the
// growth, not the total, is what shows streaming). streamed is the input
// size in bytes, for the log.
func Check(t *testing.T, next func() error, want, every, streamed int) {
	t.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	n := 0
	for {
		err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; n%every == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, before.HeapAlloc))
		}
	}
	if n != want {
		t.Fatalf("read %d records, want %d", n, want)
	}
	t.Logf("streamed %d MB, peak heap growth %d KB", streamed>>20, peak>>10)
	if peak > MaxHeapGrowth {
		t.Errorf("peak heap growth %d bytes while streaming %d bytes: the reader does not stream", peak, streamed)
	}
}
