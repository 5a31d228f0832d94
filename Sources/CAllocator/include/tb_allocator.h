/*
 * tb_allocator: process-wide allocator tuning, where the platform's C library offers it.
 */
#ifndef TB_ALLOCATOR_H
#define TB_ALLOCATOR_H

#include <stddef.h>

/**
 * Keeps freed memory for reuse instead of handing it back to the kernel at once: blocks up to
 * mmap_threshold bytes come from the heap, and up to trim_threshold free bytes stay mapped.
 * With glibc's defaults, every large parser buffer freed on a worker thread is unmapped and
 * mapped again for the next part, which costs page faults and cross-core TLB flushes.
 * Returns 1 when applied (glibc's mallopt), 0 elsewhere.
 */
int tb_allocator_keep_freed_memory(size_t mmap_threshold, size_t trim_threshold);

#endif
