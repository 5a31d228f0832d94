/*
 * tb_prefetch: reads a byte source ahead on its own thread, so that producing the bytes (for
 * a ZIP entry: inflating it and checking its CRC) overlaps with parsing them.
 */
#ifndef TB_PREFETCH_H
#define TB_PREFETCH_H

#include "tb_xml.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tb_prefetch tb_prefetch;

/**
 * Starts a thread that calls `source` for `chunk_size` bytes at a time, a few chunks ahead of
 * the reader, until it returns 0 or fails. Returns NULL when memory is short or the thread
 * cannot be started (nothing has been read then).
 */
tb_prefetch *tb_prefetch_start(tb_xml_source source, void *context, size_t chunk_size);
/**
 * A tb_xml_source over the prefetched bytes (`context` is the tb_prefetch): the same bytes,
 * end and failure as `source`, in order. Call it from one thread at a time.
 */
int64_t tb_prefetch_read(void *context, void *buffer, uint64_t capacity);
/** Stops the thread (at any point), waits for it, and frees everything. */
void tb_prefetch_free(tb_prefetch *prefetch);

#ifdef __cplusplus
}
#endif

#endif
