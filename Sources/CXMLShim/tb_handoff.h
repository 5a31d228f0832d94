/*
 * tb_handoff: a ring of `slots` buffers handed from one producer thread to one consumer
 * thread, the synchronisation that tb_prefetch (chunks of a source) and the parser's pipeline
 * (batches of events) share. Private to this target.
 *
 * `published` counts buffers the producer has filled, `released` buffers the consumer is done
 * with. The producer fills slot `published % slots` while fewer than `slots` buffers are
 * published and not released; the consumer reads slot `released % slots` once it is published.
 * Both counters are read and written under `lock`; the buffers themselves change hands through
 * them, so their contents need no lock.
 */
#ifndef TB_HANDOFF_H
#define TB_HANDOFF_H

#include <pthread.h>
#include <stdint.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t published;
    uint64_t released;
    unsigned slots;
    int cancelled;
} tb_handoff;

static inline void tb_handoff_init(tb_handoff *h, unsigned slots) {
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->changed, NULL);
    h->published = h->released = 0;
    h->slots = slots;
    h->cancelled = 0;
}

static inline void tb_handoff_destroy(tb_handoff *h) {
    pthread_cond_destroy(&h->changed);
    pthread_mutex_destroy(&h->lock);
}

/* Producer: waits for a free slot and returns its index, or -1 once cancelled. */
static inline long tb_handoff_claim(tb_handoff *h) {
    pthread_mutex_lock(&h->lock);
    while (!h->cancelled && h->published - h->released >= h->slots) pthread_cond_wait(&h->changed, &h->lock);
    long slot = h->cancelled ? -1 : (long)(h->published % h->slots);
    pthread_mutex_unlock(&h->lock);
    return slot;
}

/* Producer: the claimed slot is filled and belongs to the consumer now. */
static inline void tb_handoff_publish(tb_handoff *h) {
    pthread_mutex_lock(&h->lock);
    h->published++;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
}

/* Consumer: waits until the next slot is published and returns its index. */
static inline unsigned tb_handoff_next(tb_handoff *h) {
    pthread_mutex_lock(&h->lock);
    while (h->published == h->released) pthread_cond_wait(&h->changed, &h->lock);
    unsigned slot = (unsigned)(h->released % h->slots);
    pthread_mutex_unlock(&h->lock);
    return slot;
}

/* Consumer: done with the slot `tb_handoff_next` gave; the producer may fill it again. */
static inline void tb_handoff_release(tb_handoff *h) {
    pthread_mutex_lock(&h->lock);
    h->released++;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
}

/* Any thread: stops the producer (its next claim returns -1). */
static inline void tb_handoff_cancel(tb_handoff *h) {
    pthread_mutex_lock(&h->lock);
    h->cancelled = 1;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
}

#endif
