package store

import (
	"sync"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
)

// PinSQLiteAllocator keeps one block of every size class of the SQLite
// driver's allocator (modernc.org/libc over modernc.org/memory) for the
// life of the process. That allocator maps a 1 MiB page per size class
// and gives it back to the system as soon as its last block is freed, so
// the blocks SQLite takes and frees within each statement (the program of
// a many-row INSERT, a B-tree's rebalancing space, a statement journal's
// chunks) cost an mmap, page faults and an munmap every time: 15 % of the
// booking lane under load (pprof, 50 sessions). With one block pinned the
// page stays, and the freed blocks are taken again. Open calls it for
// SQLite; cmd/loadtest's reference transaction too, so that it runs on the
// driver as Atelier does.
var PinSQLiteAllocator = sync.OnceFunc(func() {
	tls := libc.NewTLS()
	// Classes are powers of two; the largest shared class is 256 KiB
	// (larger blocks get pages of their own).
	for size := 16; size <= 256<<10; size <<= 1 {
		_ = libc.Xmalloc(tls, types.Size_t(size))
	}
})
