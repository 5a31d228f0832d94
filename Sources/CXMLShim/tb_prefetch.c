#include "tb_prefetch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TB_PREFETCH_RING 4

/* A source read ahead on its own thread into a ring of chunks. `filled` and `drained` count
 * chunks: the producer fills chunk `filled` (mod the ring) while fewer than TB_PREFETCH_RING
 * chunks are filled and not yet drained; the reader drains chunk `drained`. Fields below `lock`
 * are read and written under it; chunk contents are handed over by the counters. */
struct tb_prefetch {
    pthread_t thread;
    tb_xml_source source;
    void *context;
    size_t chunk_size;
    char *chunks[TB_PREFETCH_RING];
    int64_t lengths[TB_PREFETCH_RING];  /* bytes in the chunk; 0 at the end, < 0 on failure */
    size_t read_offset;                 /* the reader's position in chunk `drained` */

    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t filled;
    uint64_t drained;
    int cancelled;
};

static void *fill(void *argument) {
    tb_prefetch *f = (tb_prefetch *)argument;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        while (!f->cancelled && f->filled - f->drained >= TB_PREFETCH_RING)
            pthread_cond_wait(&f->changed, &f->lock);
        int cancelled = f->cancelled;
        uint64_t slot = f->filled % TB_PREFETCH_RING;
        pthread_mutex_unlock(&f->lock);
        if (cancelled) break;

        int64_t n = f->source(f->context, f->chunks[slot], f->chunk_size);
        f->lengths[slot] = n;
        pthread_mutex_lock(&f->lock);
        f->filled++;
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
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
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
    if (pthread_create(&f->thread, NULL, fill, f) != 0) {
        pthread_cond_destroy(&f->changed);
        pthread_mutex_destroy(&f->lock);
        for (int i = 0; i < TB_PREFETCH_RING; i++) free(f->chunks[i]);
        free(f);
        return NULL;
    }
    return f;
}

int64_t tb_prefetch_read(void *context, void *buffer, uint64_t capacity) {
    tb_prefetch *f = (tb_prefetch *)context;
    pthread_mutex_lock(&f->lock);
    while (f->filled == f->drained) pthread_cond_wait(&f->changed, &f->lock);
    uint64_t slot = f->drained % TB_PREFETCH_RING;
    pthread_mutex_unlock(&f->lock);

    int64_t length = f->lengths[slot];
    if (length <= 0) return length;  /* the end or the failure stays: the chunk is not drained */
    size_t available = (size_t)length - f->read_offset;
    size_t n = capacity < available ? (size_t)capacity : available;
    memcpy(buffer, f->chunks[slot] + f->read_offset, n);
    f->read_offset += n;
    if (f->read_offset == (size_t)length) {
        f->read_offset = 0;
        pthread_mutex_lock(&f->lock);
        f->drained++;
        pthread_cond_broadcast(&f->changed);
        pthread_mutex_unlock(&f->lock);
    }
    return (int64_t)n;
}

void tb_prefetch_free(tb_prefetch *f) {
    if (!f) return;
    pthread_mutex_lock(&f->lock);
    f->cancelled = 1;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
    for (int i = 0; i < TB_PREFETCH_RING; i++) free(f->chunks[i]);
    free(f);
}
