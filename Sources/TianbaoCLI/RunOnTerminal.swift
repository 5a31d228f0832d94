import Dispatch
import Foundation
import TianbaoRun

/// The CLI's side of a run (merge, review): it owns SIGINT and SIGTERM while the run works,
/// asks the run to stop when one arrives, and prints how the run failed (its notes, then its
/// message) and exits with the failure's status; or hands the outcome to `report`, with
/// signals still held (a signal after the switch changes nothing and is ignored).
enum RunOnTerminal {
    /// Runs `body` (the run's `run()`); `cancel` is the run's `cancel(signal:)`.
    static func perform<Outcome>(progress: ProgressLine?,
                                 cancel: @escaping @Sendable (Int32) -> RunFailure?,
                                 _ body: () throws(RunFailure) -> Outcome,
                                 report outcome: (Outcome) throws -> Void) throws {
        let gate = ReportGate()
        let trap = SignalTrap { signal in
            // Too late (the outputs are switched in) or already ended: the run reports itself.
            guard let failure = cancel(signal), gate.claim() else { return }
            progress?.finish()
            report(failure)
            _exit(failure.exitStatus.rawValue)
        }
        defer { trap.uninstall() }
        let done: Outcome
        do {
            done = try body()
        } catch {
            // A signal being handled reports and exits; this thread then waits for that.
            guard gate.claim() else { while true { pause() } }
            progress?.finish()
            report(error)
            throw CommandExit(error.exitStatus)
        }
        progress?.finish()
        try outcome(done)
    }

    /// Prints a failure's notes and message on standard error.
    static func report(_ failure: RunFailure) {
        for note in failure.notes { printError(note.message(for: failure.job)) }
        printError(failure.message)
    }
}

/// Lets one of two threads (the run's, a signal handler's) report how a run ended.
private final class ReportGate: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    /// True for the first caller only.
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}

/// SIGINT (Ctrl-C) and SIGTERM handled on a queue of their own while it is installed: the
/// handler gets the signal's number; the default handling returns on `uninstall`.
final class SignalTrap: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "tianbao.signals", qos: .userInteractive)

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { handler(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default handling of SIGINT and SIGTERM (once).
    func uninstall() {
        lock.lock()
        defer { lock.unlock() }
        guard !sources.isEmpty else { return }
        sources.forEach { $0.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
