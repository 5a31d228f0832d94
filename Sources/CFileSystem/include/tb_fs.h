/*
 * tb_fs: file-system calls the Swift C library overlay does not import.
 */
#ifndef TB_FS_H
#define TB_FS_H

/**
 * Swaps two existing paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE; macOS
 * renamex_np with RENAME_SWAP): at every instant each name holds either its old or its new
 * content. Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system or the
 * platform cannot exchange).
 */
int tb_exchange_paths(const char *a, const char *b);

#endif
