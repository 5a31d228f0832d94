import Foundation
import TianbaoRun
import TianbaoSupport

/// A progress line on standard error for long runs (`已检查 1,234/3,000 个文件`, the phase, the
/// time elapsed), redrawn in place at most ten times a second. Shown only when standard error
/// is a terminal and `--quiet` was not given: scripts, pipes and logs see nothing of it.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    private var phase = ""
    private var lastDrawn = Date.distantPast
    private var shown = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) != 0
    }

    /// Starts a phase (`正在检查文件`, `正在写入输出`).
    func begin(_ phase: String) {
        lock.lock()
        defer { lock.unlock() }
        self.phase = phase
        draw(phase, force: true)
    }

    /// Files checked so far.
    func files(checked: Int, of total: Int) {
        lock.lock()
        defer { lock.unlock() }
        draw("\(phase)：已检查 \(Thousands.grouped(checked))/\(Thousands.grouped(total)) 个文件", force: checked == total)
    }

    /// Shows what a run tells.
    func show(_ progress: RunProgress) {
        switch progress {
        case .checking: begin("正在检查文件")
        case .checked(let done, let total): files(checked: done, of: total)
        case .writing: begin("正在写入汇总表、简报和反馈表")
        }
    }

    /// Clears the line, so that what the command prints next starts on a clean line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }

    private func draw(_ text: String, force: Bool) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        let seconds = String(format: "%.1f", now.timeIntervalSince(start))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)（\(seconds) 秒）".utf8))
        shown = true
    }
}
