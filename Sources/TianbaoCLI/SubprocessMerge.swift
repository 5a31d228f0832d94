import Foundation
import TianbaoPortal

/// The portal's 汇总 for now: this very program run as `tianbao merge SUBMISSIONS --round R --out
/// OUT --archive ARCHIVE [--plan …] [--key …] --quiet`, so the outputs are the CLI's by
/// construction, and its exit status and what it printed are the outcome. (When the merge's
/// run moves into a library, the portal calls it in-process instead.)
final class SubprocessMerge: RoundMerging, @unchecked Sendable {
    let plan: String?
    let key: String?
    private let lock = NSLock()
    private var running: Process?

    init(plan: String?, key: String?) {
        self.plan = plan.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        self.key = key.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    func merge(_ request: MergeRequest) async -> MergeOutcome {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: self.run(request)) }
        }
    }

    func cancel() async {
        lock.withLock { running?.interrupt() }
    }

    private func run(_ request: MergeRequest) -> MergeOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        var arguments = ["merge", request.submissions, "--round", request.round.id, "--out", request.out,
                         "--archive", request.archive, "--quiet"]
        if let plan { arguments += ["--plan", plan] }
        if let key { arguments += ["--key", key] }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            lock.lock()
            defer { lock.unlock() }
            try process.run()
            running = process
        } catch {
            return MergeOutcome(status: 3, message: "错误：无法启动汇总（\(error)）。")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        lock.lock()
        running = nil
        lock.unlock()
        return MergeOutcome(status: process.terminationStatus, message: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// This program's own executable.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
