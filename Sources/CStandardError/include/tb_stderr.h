/*
 * tb_stderr: C libraries' messages on stdio's stderr kept off the terminal per call, on the
 * calling thread only, without touching descriptor 2.
 */
#ifndef TB_STDERR_H
#define TB_STDERR_H

/**
 * Routes stdio's `stderr` through a stream that writes to descriptor 2 as before, except on a
 * thread that has muted it (`tb_stderr_mute`). Installed once per process; later calls do
 * nothing. Returns 1 when the routing is in place, 0 where the platform cannot do it (then
 * nothing is muted).
 */
int tb_stderr_install(void);

/**
 * Mutes (`muted` != 0) or unmutes what this thread writes to stdio's `stderr`; returns the
 * previous setting, to restore nested calls. Other threads, and writes to descriptor 2 that do
 * not go through stdio's `stderr`, are never affected.
 */
int tb_stderr_mute(int muted);

#endif
