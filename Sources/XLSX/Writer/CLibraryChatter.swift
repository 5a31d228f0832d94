import Foundation

/// libxlsxwriter reports failures by printing `[ERROR][file.c:line]…` lines on standard error
/// (with `fprintf`; there is no switch to turn this off) as well as by its return codes. The
/// return codes are what Tianbao reports, in Chinese; these lines are kept off the user's
/// terminal by pointing descriptor 2 at /dev/null while a call that may fail runs.
///
/// Descriptor 2 is the process's: while any such call runs (on any thread), standard error
/// goes nowhere. The counter makes nested and concurrent calls restore it only once the last
/// one ends. Tianbao prints its own messages after the writing is done.
enum CLibraryChatter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: Int32 = -1

    /// Runs `body` with standard error silenced.
    static func silenced<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        if depth == 0 {
            fflush(nil)
            let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
            if null >= 0 {
                saved = dup(2)
                dup2(null, 2)
                close(null)
            }
        }
        depth += 1
        lock.unlock()
        defer {
            lock.lock()
            depth -= 1
            if depth == 0, saved >= 0 {
                fflush(nil)
                dup2(saved, 2)
                close(saved)
                saved = -1
            }
            lock.unlock()
        }
        return try body()
    }
}
