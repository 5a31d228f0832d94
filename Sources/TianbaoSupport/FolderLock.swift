import Foundation

/// An advisory lock on a folder, held by one process at a time: a file beside the folder
/// (`.<name>.tianbao-lock`), locked with `flock` and holding the holder's process id and start
/// time, as git's `index.lock` tells who holds it.
///
/// The kernel releases `flock` when its holder dies, however it dies, so a lock left by a
/// killed run is never in the way: the next run takes it over and says so (`takenOverFrom`).
/// The file is removed on release; a run that finds the path now names another file (removed
/// and made again by a holder meanwhile) tries again, so two runs never hold it at once.
public final class FolderLock: @unchecked Sendable {
    /// Who holds (or held) a lock: what its file says.
    public struct Holder: Sendable, Equatable {
        public var pid: Int32
        /// The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), so
        /// a reused process id is not mistaken for the holder.
        public var startTicks: UInt64
        public var started: String

        /// Whether this process is still running.
        public var isAlive: Bool {
            guard kill(pid, 0) == 0 || errno == EPERM else { return false }
            guard let ticks = FolderLock.startTicks(of: pid) else { return true }
            return ticks == startTicks
        }
    }

    /// Another run holds the lock.
    public struct Busy: Error, Sendable {
        public let path: String
        public let holder: Holder?
    }

    public let path: String
    /// The holder a lock file named when this run took it over from a process that had ended.
    public let takenOverFrom: Holder?
    private var fd: Int32
    private let guardLock = NSLock()

    /// The lock file beside `folder`.
    public static func path(for folder: String) -> String {
        let url = URL(fileURLWithPath: folder)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tianbao-lock").path
    }

    /// Takes the lock of `folder` (a folder or a file: the lock file is named after it) without
    /// waiting; throws `Busy` when another live run holds it, `UnsafeSidecar` when something
    /// other than a plain file stands at the lock's path (a symbolic link is never followed).
    public init(folder: String) throws {
        path = Self.path(for: folder)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
            guard fd >= 0 else {
                if errno == ELOOP || errno == EISDIR || errno == ENXIO { throw UnsafeSidecar(path: path, kind: FileSystem.kind(path)) }
                throw FileSystemError.last(.lock, path)
            }
            var opened = stat()
            guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw UnsafeSidecar(path: path, kind: FileSystem.kind(path))
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                // The holder writes its name just after it locks: give it a moment.
                var holder = Self.readHolder(fd)
                for _ in 0..<25 where holder == nil && code == EWOULDBLOCK {
                    usleep(20_000)
                    holder = Self.readHolder(fd)
                }
                close(fd)
                if code == EWOULDBLOCK { throw Busy(path: path, holder: holder) }
                throw FileSystemError(.lock, path: path, code: code)
            }
            // The file may have been released and removed between open and flock.
            var mine = stat(), named = stat()
            guard fstat(fd, &mine) == 0, stat(path, &named) == 0,
                  mine.st_dev == named.st_dev, mine.st_ino == named.st_ino else {
                close(fd)
                continue
            }
            let previous = Self.readHolder(fd)
            takenOverFrom = previous.flatMap { $0.pid != getpid() ? $0 : nil }
            self.fd = fd
            try write(Self.current())
            return
        }
    }

    /// Releases the lock: removes its file, then unlocks.
    public func release() {
        guardLock.lock()
        defer { guardLock.unlock() }
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }

    private func write(_ holder: Holder) throws {
        let text = "pid \(holder.pid)\nstart \(holder.startTicks)\nstarted \(holder.started)\n"
        let bytes = Array(text.utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, bytes, bytes.count, 0) == bytes.count else {
            let error = FileSystemError.last(.lock, path)
            release()
            throw error
        }
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: buffer[..<n], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }) else { return nil }
        return Holder(pid: pid, startTicks: fields["start"].flatMap { UInt64($0) } ?? 0, started: fields["started"] ?? "")
    }

    /// This process, as a lock file names it.
    static func current() -> Holder {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return Holder(pid: getpid(), startTicks: startTicks(of: getpid()) ?? 0, started: formatter.string(from: Date()))
    }

    /// Field 22 of `/proc/<pid>/stat` (nil where there is no /proc).
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
