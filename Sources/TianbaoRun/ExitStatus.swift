/// Exit statuses shared by every command, and what a run's outcome or failure maps to.
public enum ExitStatus: Int32, Sendable {
    /// Everything accepted.
    case success = 0
    /// Done, but some input was rejected or is missing.
    case partial = 1
    /// Usage, plan or archive error (or the wrong signing key, or a submissions folder that
    /// cannot be read); nothing written.
    case usage = 2
    /// The outputs could not be written (full disk, read-only, no permission, another merge
    /// writing to the same folder); the output folder is left as it was.
    case outputFailed = 3
    /// Stopped by Ctrl-C (SIGINT, 128 + 2, as shells report it); the output folder is left as
    /// it was.
    case interrupted = 130
    /// Stopped by SIGTERM (128 + 15); the output folder is left as it was.
    case terminated = 143
}
