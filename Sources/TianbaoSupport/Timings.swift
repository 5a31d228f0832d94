import Foundation

/// Phase times on standard error when `TIANBAO_TIMINGS` is set (for bench/: how a merge
/// splits between reading and checking, and writing).
public enum Timings {
    nonisolated(unsafe) private static var start = Date()
    private static let enabled = ProcessInfo.processInfo.environment["TIANBAO_TIMINGS"] != nil
    private static let lock = NSLock()

    /// Starts the clock.
    public static func reset() {
        lock.lock()
        start = Date()
        lock.unlock()
    }

    /// Prints the seconds since `reset()` with a label.
    public static func mark(_ label: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let line = Array(String(format: "timing %.2f s %@\n", Date().timeIntervalSince(start), label).utf8)
        _ = Foundation.write(2, line, line.count)
    }
}
