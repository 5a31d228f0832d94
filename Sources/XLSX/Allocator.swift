import CAllocator

/// Process-wide allocator tuning for programs that read many workbooks.
public enum Allocator {
    /// Keeps freed parser buffers for reuse instead of unmapping them: reading thousands of
    /// parts on several threads otherwise spends a fifth of its time in page faults and
    /// cross-core TLB flushes (measured on `tianbao merge` of 3,000 files). Blocks up to 4 MiB
    /// come from the heap and up to 8 MiB of free memory stay mapped. Call once, before any
    /// thread starts. Returns false where the C library offers no such setting.
    /// The corresponding C function is `mallopt(3)`.
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
        tb_allocator_keep_freed_memory(4 << 20, 8 << 20) == 1
    }
}
