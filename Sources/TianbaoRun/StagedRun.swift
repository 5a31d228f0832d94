import Foundation
import TianbaoSupport

/// The machinery a run that replaces an output folder shares (merge and review): the folder's
/// lock, a staging folder beside it, one guarded commit (the switch, with the archive's
/// commit where there is one), and the clean-up after it, after a failure or on `stop`.
///
/// Order: `begin` (lock, then the staging folder, after removing what killed runs left) →
/// the caller writes into `staging` → `commit` → `end`. `stop` may come from any thread at any
/// time (a signal, a server shutting down): before the commit it rolls back what the run owns
/// (`onStop`), removes the staging folder and releases the lock at once, and the run's own
/// thread then fails with `.interrupted`; during the commit it waits for the commit; after the
/// commit it changes nothing (the run completed).
final class StagedRun: @unchecked Sendable {
    let job: RunJob
    /// The output folder, resolved (links followed).
    let target: String
    /// The notes gathered so far (their own lock: read while `lock` is held, too).
    var notes: [RunNote] {
        noteLock.lock()
        defer { noteLock.unlock() }
        return gathered
    }
    private var gathered: [RunNote] = []
    private let noteLock = NSLock()

    private let lock = NSLock()
    private var folderLock: FolderLock?
    private var staged: StagedFolder?
    private var stopActions: [@Sendable () -> Void] = []
    private var stopped: Int32?
    private var committed = false
    private var ended = false

    init(job: RunJob, target: String) {
        self.job = job
        self.target = target
    }

    /// The staging folder (after `begin`).
    var staging: StagedFolder {
        lock.lock()
        defer { lock.unlock() }
        return staged!
    }

    /// Takes the output folder's lock (making its parent if needed) and starts an empty
    /// staging folder beside it. Throws `RunFailure` (`.busy`, `.outputFolder`, or
    /// `.interrupted` when stopped meanwhile).
    func begin() throws {
        let folderLock: FolderLock
        do {
            try FileSystem.makeFolder((target as NSString).deletingLastPathComponent)
            folderLock = try FolderLock(folder: target)
        } catch let busy as FolderLock.Busy {
            throw failure(.busy(lockPath: busy.path, holder: busy.holder))
        } catch {
            throw failure(for: error)
        }
        if let dead = folderLock.takenOverFrom { add([.lockTakenOver(holder: dead)]) }
        try holding { self.folderLock = folderLock }
        let staged: StagedFolder
        do { staged = try StagedFolder(target: target) } catch { throw failure(for: error) }
        try holding { self.staged = staged }
    }

    /// Adds notes to tell with the outcome or the failure.
    func add(_ more: [RunNote]) {
        noteLock.lock()
        gathered += more
        noteLock.unlock()
    }

    /// Adds something to undo when the run is stopped before its commit (run on the stopping
    /// thread, before the staging folder is removed).
    func onStop(_ action: @escaping @Sendable () -> Void) throws {
        try holding { stopActions.append(action) }
    }

    /// Runs `body` (the switch, and the archive's commit) with `stop` held back until it ends.
    /// Throws `.interrupted` without running it when the run was stopped before.
    func commit<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let stopped { throw failure(.interrupted(signal: stopped)) }
        let value = try body()
        committed = true
        return value
    }

    /// Stops the run (see the type's description). Returns the failure the run ends with when
    /// it was stopped; nil when it had already completed its commit or ended otherwise.
    func stop(signal: Int32) -> RunFailure? {
        lock.lock()
        defer { lock.unlock() }
        guard !committed, !ended, stopped == nil else { return nil }
        stopped = signal
        releaseHeld()
        return failure(.interrupted(signal: signal))
    }

    /// Ends the run: removes the staging folder if it was not switched in and releases the lock.
    func end() {
        lock.lock()
        defer { lock.unlock() }
        ended = true
        releaseHeld()
    }

    /// The failure for any error the run met: once stopped, always `.interrupted`.
    func failure(for error: Error) -> RunFailure {
        lock.lock()
        let stopped = self.stopped
        let staged = self.staged
        lock.unlock()
        var failure = stopped.map { RunFailure(.interrupted(signal: $0), job: job) }
            ?? RunFailure.writing(error, job: job, target: target, staged: staged)
        failure.notes = notes + failure.notes
        return failure
    }

    /// A failure of this run with its notes.
    func failure(_ reason: RunFailure.Reason) -> RunFailure {
        RunFailure(reason, job: job, notes: notes)
    }

    /// Runs `body` under the lock; throws `.interrupted` when the run was stopped.
    private func holding(_ body: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        if let stopped {
            // What was just acquired is given back at once.
            try? body()
            releaseHeld()
            throw failure(.interrupted(signal: stopped))
        }
        try body()
    }

    /// Rolls back, removes the staging folder (a no-op once switched in), releases the lock.
    /// Call with `lock` held.
    private func releaseHeld() {
        let actions = stopActions
        stopActions = []
        if !committed { actions.forEach { $0() } }
        staged?.discard()
        folderLock?.release()
        folderLock = nil
    }
}
