import Foundation

/// Faults injected through `FileSystem` for tests, from the environment variable
/// `TIANBAO_FAULT_INJECT` (comma-separated). Compiled in only where `TIANBAO_FAULTS` is defined
/// (debug builds, which the tests use): in a release build every entry point below does nothing
/// and the variable is never read, so the binary given to an office has no test switches.
///
/// - `write-after:N` — the output files after the first N written through `FileSystem` fail
///   with ENOSPC (磁盘空间不足), as a disk that fills up while a merge writes.
/// - `read-fail:NAME` — reading the submitted file NAME fails with EACCES (无权限).
/// - `list-fail` — listing a folder fails with EACCES.
/// - `delay-ms:N` — every output step waits N milliseconds (to kill a merge while it writes).
/// - `rows-damaged` — the round's row store (the temporary file of checked rows) is damaged
///   after each write, as a failing disk would: reading the rows back fails.
/// - `crash:POINT` — the process kills itself (SIGKILL, as a power cut would end it) on reaching
///   the named point (`after-commit`: the archive has committed the round, OUT is not switched
///   yet; `after-switch`: OUT is switched, the record of the switch not yet deleted).
///
/// The injected errors take the same path as real ones: the same error type, message, clean-up
/// and exit status.
public enum FaultInjection {
    struct Plan: Sendable {
        var writeAfter: Int?
        var readFail: Set<String> = []
        var listFail = false
        var delayMilliseconds = 0
        var rowsDamaged = false
        var crashAt: Set<String> = []
    }

    static func parse(_ text: String) -> Plan {
        var plan = Plan()
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first ?? "", parts.count > 1 ? parts[1] : "") {
            case ("write-after", let n): plan.writeAfter = Int(n)
            case ("read-fail", let name): plan.readFail.insert(name)
            case ("list-fail", _): plan.listFail = true
            case ("delay-ms", let n): plan.delayMilliseconds = Int(n) ?? 0
            case ("rows-damaged", _): plan.rowsDamaged = true
            case ("crash", let point): plan.crashAt.insert(point)
            default: break
            }
        }
        return plan
    }

    /// Whether this build can inject faults at all (debug builds only).
    public static var isCompiledIn: Bool {
        #if TIANBAO_FAULTS
        return true
        #else
        return false
        #endif
    }

    #if TIANBAO_FAULTS
    static let plan: Plan = parse(ProcessInfo.processInfo.environment["TIANBAO_FAULT_INJECT"] ?? "")
    nonisolated(unsafe) private static var writes = 0
    private static let lock = NSLock()
    #endif

    /// Called once an output file is complete; throws ENOSPC past the `write-after` budget.
    static func outputWritten(_ path: String) throws {
        #if TIANBAO_FAULTS
        pause()
        guard let budget = plan.writeAfter else { return }
        lock.lock()
        writes += 1
        let count = writes
        lock.unlock()
        if count > budget { throw FileSystemError(.write, path: path, code: ENOSPC) }
        #endif
    }

    /// Throws EACCES when reading the file named `name` is to fail.
    static func reading(_ path: String) throws {
        #if TIANBAO_FAULTS
        if !plan.readFail.isEmpty, plan.readFail.contains((path as NSString).lastPathComponent) {
            throw FileSystemError(.read, path: path, code: EACCES)
        }
        #endif
    }

    /// Throws EACCES when listing is to fail.
    static func listing(_ path: String) throws {
        #if TIANBAO_FAULTS
        if plan.listFail { throw FileSystemError(.list, path: path, code: EACCES) }
        #endif
    }

    /// True when the row store is to damage what it stores (`rows-damaged`).
    public static var damagesStoredRows: Bool {
        #if TIANBAO_FAULTS
        return plan.rowsDamaged
        #else
        return false
        #endif
    }

    /// Kills the process at `point` when `crash:POINT` is injected.
    public static func crash(at point: String) {
        #if TIANBAO_FAULTS
        if plan.crashAt.contains(point) { kill(getpid(), SIGKILL) }
        #endif
    }

    /// Waits `delay-ms` milliseconds (no wait unless injected).
    public static func pause() {
        #if TIANBAO_FAULTS
        if plan.delayMilliseconds > 0 { usleep(useconds_t(plan.delayMilliseconds * 1000)) }
        #endif
    }
}
