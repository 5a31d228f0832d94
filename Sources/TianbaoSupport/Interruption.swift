import Dispatch
import Foundation

/// Stops a command cleanly on SIGINT (Ctrl-C) and SIGTERM: the handler runs `cleanUp` on its own
/// queue, at once, then ends the process with status 128 + the signal's number (130, 143), as
/// shells report a process a signal ended.
///
/// Work that must not be cut in half (switching the outputs in) runs inside `commit`; a signal
/// that arrives meanwhile waits for it, and one that arrives after it is ignored: by then the
/// command has finished its work and only reports it.
public final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var committed = false
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "tianbao.interruption", qos: .userInteractive)

    /// A copy of standard error taken before any library may point descriptor 2 elsewhere
    /// for a while (the XLSX writer silences libxlsxwriter that way).
    nonisolated(unsafe) private static var terminal: Int32 = -1

    /// Writes a line to the terminal's standard error, also while descriptor 2 is silenced.
    public static func say(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = write(terminal >= 0 ? terminal : 2, bytes, bytes.count)
    }

    /// Installs the handlers. `cleanUp` gets the signal's number; the process then exits.
    public init(cleanUp: @escaping @Sendable (Int32) -> Void) {
        if Self.terminal < 0 { Self.terminal = dup(2) }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in
                lock.lock()
                if committed {
                    lock.unlock()
                    return
                }
                cleanUp(sig)
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `body` (the switch) with signals held back; signals after it are ignored.
    public func commit<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer {
            committed = true
            lock.unlock()
        }
        return try body()
    }

    /// Marks the command as ending on its own (a failure it reports itself): signals from now
    /// on are ignored. If a signal is being handled, waits for it, that is, never returns.
    public func finish() {
        lock.lock()
        committed = true
        lock.unlock()
    }

    /// Restores the default handling of SIGINT and SIGTERM.
    public func uninstall() {
        lock.lock()
        defer { lock.unlock() }
        sources.forEach { $0.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
