#define _GNU_SOURCE
#include "tb_stderr.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* Set on a thread while it runs a C library call whose stderr chatter is not for the user. */
static _Thread_local int muted_here;

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int installed;

static void write_through(const char *buffer, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(STDERR_FILENO, buffer + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += (size_t)n;
    }
}

#if defined(__GLIBC__)
static ssize_t routed_write(void *cookie, const char *buffer, size_t size) {
    (void)cookie;
    if (!muted_here) write_through(buffer, size);
    return (ssize_t)size;
}

static void install(void) {
    cookie_io_functions_t functions = {.read = NULL, .write = routed_write, .seek = NULL, .close = NULL};
    FILE *routed = fopencookie(NULL, "w", functions);
    if (routed == NULL) return;
    /* Unbuffered: each write reaches routed_write on the thread that made it. */
    setvbuf(routed, NULL, _IONBF, 0);
    fflush(stderr);
    stderr = routed;
    installed = 1;
}
#elif defined(__APPLE__)
static int routed_write(void *cookie, const char *buffer, int size) {
    (void)cookie;
    if (!muted_here && size > 0) write_through(buffer, (size_t)size);
    return size;
}

static void install(void) {
    FILE *routed = funopen(NULL, NULL, routed_write, NULL, NULL);
    if (routed == NULL) return;
    setvbuf(routed, NULL, _IONBF, 0);
    fflush(stderr);
    stderr = routed;
    installed = 1;
}
#else
static void install(void) {}
#endif

int tb_stderr_install(void) {
    pthread_once(&install_once, install);
    return installed;
}

int tb_stderr_mute(int muted) {
    int previous = muted_here;
    muted_here = muted != 0;
    return previous;
}
