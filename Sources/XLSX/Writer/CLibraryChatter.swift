import CStandardError

/// libxlsxwriter reports failures by printing `[ERROR][file.c:line]…` lines on stdio's stderr
/// (with `fprintf`; there is no switch to turn this off) as well as by its return codes. The
/// return codes are what Tianbao reports, in Chinese; these lines are kept off the user's
/// terminal per call: stdio's `stderr` is routed once through a stream that drops what a muted
/// thread writes and passes everything else on to descriptor 2 (`tb_stderr`). Descriptor 2
/// itself is never redirected, so other threads' messages, a server's log and a crash report
/// written meanwhile all reach it.
enum CLibraryChatter {
    /// Runs `body` with what this thread writes to stdio's stderr dropped.
    static func silenced<T>(_ body: () throws -> T) rethrows -> T {
        guard tb_stderr_install() != 0 else { return try body() }
        let previous = tb_stderr_mute(1)
        defer { _ = tb_stderr_mute(previous) }
        return try body()
    }
}
