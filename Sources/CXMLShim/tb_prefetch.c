#include "tb_prefetch.h"

#include "tb_handoff.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TB_PREFETCH_RING 4

/* A source read ahead on its own thread into a ring of chunks, handed to the reader through
 * `handoff`. */
struct tb_prefetch {
    pthread_t thread;
    tb_xml_source source;
    void *context;
    size_t chunk_size;
    char *chunks[TB_PREFETCH_RING];
    int64_t lengths[TB_PREFETCH_RING];  /* bytes in the chunk; 0 at the end, < 0 on failure */
    size_t read_offset;                 /* the reader's position in its current chunk */
    tb_handoff handoff;
};

static void *fill(void *argument) {
    tb_prefetch *f = (tb_prefetch *)argument;
    long slot;
    while ((slot = tb_handoff_claim(&f->handoff)) >= 0) {
        int64_t n = f->source(f->context, f->chunks[slot], f->chunk_size);
        f->lengths[slot] = n;
        tb_handoff_publish(&f->handoff);
        if (n <= 0) break;
    }
    return NULL;
}

tb_prefetch *tb_prefetch_start(tb_xml_source source, void *context, size_t chunk_size) {
    if (!source || chunk_size == 0) return NULL;
    tb_prefetch *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->source = source;
    f->context = context;
    f->chunk_size = chunk_size;
    for (int i = 0; i < TB_PREFETCH_RING; i++) {
        f->chunks[i] = malloc(chunk_size);
        if (!f->chunks[i]) {
            for (int k = 0; k < i; k++) free(f->chunks[k]);
            free(f);
            return NULL;
        }
    }
    tb_handoff_init(&f->handoff, TB_PREFETCH_RING);
    if (pthread_create(&f->thread, NULL, fill, f) != 0) {
        tb_handoff_destroy(&f->handoff);
        for (int i = 0; i < TB_PREFETCH_RING; i++) free(f->chunks[i]);
        free(f);
        return NULL;
    }
    return f;
}

int64_t tb_prefetch_read(void *context, void *buffer, uint64_t capacity) {
    tb_prefetch *f = (tb_prefetch *)context;
    unsigned slot = tb_handoff_next(&f->handoff);
    int64_t length = f->lengths[slot];
    if (length <= 0) return length;  /* the end or the failure stays: the chunk is not released */
    size_t available = (size_t)length - f->read_offset;
    size_t n = capacity < available ? (size_t)capacity : available;
    memcpy(buffer, f->chunks[slot] + f->read_offset, n);
    f->read_offset += n;
    if (f->read_offset == (size_t)length) {
        f->read_offset = 0;
        tb_handoff_release(&f->handoff);
    }
    return (int64_t)n;
}

void tb_prefetch_free(tb_prefetch *f) {
    if (!f) return;
    tb_handoff_cancel(&f->handoff);
    pthread_join(f->thread, NULL);
    tb_handoff_destroy(&f->handoff);
    for (int i = 0; i < TB_PREFETCH_RING; i++) free(f->chunks[i]);
    free(f);
}
