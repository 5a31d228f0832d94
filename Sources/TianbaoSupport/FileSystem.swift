import CFileSystem
import Foundation

/// The one place Tianbao's commands touch the file system for outputs, listings and locks.
/// Every failure is a `FileSystemError` (operation, path, Chinese cause); faults can be
/// injected for tests (`FaultInjection`).
public enum FileSystem {
    /// What identifies a file's content on disk at one moment: if any of it changes, the file
    /// was replaced, rewritten or deleted meanwhile.
    public struct Identity: Equatable, Sendable {
        public var device: UInt64, inode: UInt64, size: Int64, modified: Int64, modifiedNanoseconds: Int64
    }

    // MARK: Reading and listing

    /// The names in a folder as stored (bytes, not necessarily UTF-8), without `.` and `..`.
    public static func listNames(_ folder: String) throws -> [[UInt8]] {
        try FaultInjection.listing(folder)
        guard let handle = opendir(folder) else { throw FileSystemError.last(.list, folder) }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 { throw FileSystemError.last(.list, folder) }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { buf in Array(buf.prefix { $0 != 0 }) }
            if bytes == [UInt8(ascii: ".")] || bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(bytes)
        }
        return names
    }

    /// Opens a file and reads its first byte, as the checker will: throws when the office's
    /// machine cannot read it (无权限, 不存在, …). Returns what identifies its content.
    public static func probeReadable(_ path: String) throws -> Identity {
        try FaultInjection.reading(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileSystemError.last(.read, path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileSystemError.last(.read, path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileSystemError(.read, path: path, code: EISDIR) }
        var byte: UInt8 = 0
        guard read(fd, &byte, 1) >= 0 else { throw FileSystemError.last(.read, path) }
        return identity(st)
    }

    /// What identifies the file at `path` now (nil when it is gone).
    public static func identity(_ path: String) -> Identity? {
        var st = stat()
        return stat(path, &st) == 0 ? identity(st) : nil
    }

    private static func identity(_ st: stat) -> Identity {
        Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                 modified: Int64(st.st_mtim.tv_sec), modifiedNanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    /// What kind of thing is at `path` (links not followed); nil when nothing is.
    public enum Kind: Sendable { case file, folder, link, other }

    public static func kind(_ path: String) -> Kind? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK: return .link
        default: return .other
        }
    }

    /// Whether `path` is a folder, or a symbolic link that leads to one.
    public static func isFolder(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The absolute path with every symbolic link resolved, also when its last components do
    /// not exist yet (the deepest existing folder is resolved, the rest appended).
    public static func resolvedPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var existing = absolute
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return rest.reversed().reduce(base) { ($0 as NSString).appendingPathComponent($1) }
            }
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { return absolute }
            rest.append((existing as NSString).lastPathComponent)
            existing = parent
        }
    }

    /// Whether `path` is `folder` or inside it (both already resolved).
    public static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    // MARK: Writing

    /// Creates a folder (and its missing parents).
    public static func makeFolder(_ path: String) throws {
        // "": the current folder (the folder of a bare file name). A symbolic link to a folder
        // is a folder here: the folders above a file may be reached through links.
        if path.isEmpty || isFolder(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, kind(parent) == nil { try makeFolder(parent) }
        guard mkdir(path, 0o755) == 0 || (errno == EEXIST && isFolder(path)) else {
            throw FileSystemError.last(.create, path)
        }
    }

    /// Writes `data` to `path` through a temporary file beside it, flushed to disk and renamed
    /// over `path`, so a reader never sees half a file. The temporary file never outlives a
    /// failure.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        try writeThroughTemporary(path, rename: true, beforeRename: { try FaultInjection.outputWritten(path) }) { fd in
            try data.withUnsafeBytes { try writeAll(fd, $0, path: path) }
        }
    }

    /// Copies the file `from` to `path` as `writeAtomically` writes (a temporary file beside
    /// `path`, flushed, renamed), 1 MiB at a time. `rename: false`: written to `path` itself
    /// (a temporary name the caller renames), flushed.
    public static func copyAtomically(_ from: String, to path: String, rename: Bool = true) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw FileSystemError.last(.read, from) }
        defer { close(input) }
        try writeThroughTemporary(path, rename: rename) { fd in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = read(input, &buffer, buffer.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSystemError.last(.read, from)
                }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<n]), path: path) }
            }
        }
    }

    /// Opens `.<name>.tianbao-tmp-<pid>` beside `path` (or `path` itself when `rename` is
    /// false), lets `body` write it, flushes it to disk, closes it, calls `beforeRename` and
    /// renames it over `path`. On any failure the file written is removed.
    private static func writeThroughTemporary(_ path: String, rename: Bool, beforeRename: () throws -> Void = {},
                                              _ body: (Int32) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = rename ? url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tianbao-tmp-\(getpid())").path : path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileSystemError.last(.write, path) }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        do {
            defer { close(fd) }
            try body(fd)
            guard fsync(fd) == 0 else { throw FileSystemError.last(.write, path) }
        }
        try beforeRename()
        guard !rename || Foundation.rename(temporary, path) == 0 else { throw FileSystemError.last(.write, path) }
        ok = true
    }

    /// Writes all of `bytes` to `fd`, again after an interrupted call; a failure is a write of `path`.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError.last(.write, path)
            }
            offset += n
        }
    }

    /// Flushes a file written by other means (the XLSX writer) to disk. Throws as a write of
    /// `path` would (a full disk found at this point is reported as such).
    public static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError.last(.write, path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileSystemError.last(.write, path) }
        try FaultInjection.outputWritten(path)
    }

    /// Flushes a folder's entries (new names, renames) to disk.
    public static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError.last(.sync, path) }
        defer { close(fd) }
        // Some file systems refuse fsync on a folder (EINVAL): nothing to flush there.
        guard fsync(fd) == 0 || errno == EINVAL else { throw FileSystemError.last(.sync, path) }
    }

    /// Renames `from` to `to` (one atomic step on one file system).
    public static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw FileSystemError.last(.rename, from) }
    }

    /// Swaps two existing paths atomically. Returns false where the file system or the
    /// platform cannot (the caller then renames in two steps).
    public static func exchange(_ a: String, _ b: String) throws -> Bool {
        if tb_exchange_paths(a, b) == 0 { return true }
        if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP { return false }
        throw FileSystemError.last(.rename, a)
    }

    /// Makes `to` a second name of the file `from` (same file system).
    public static func hardLink(_ from: String, to: String) throws {
        guard link(from, to) == 0 else { throw FileSystemError.last(.create, to) }
    }

    /// Removes a file, or a folder with everything in it; nothing there is not an error.
    public static func removeTree(_ path: String) throws {
        guard let kind = kind(path) else { return }
        if kind == .folder {
            for name in try listNames(path) {
                try removeTree((path as NSString).appendingPathComponent(String(decoding: name, as: UTF8.self)))
            }
            guard rmdir(path) == 0 || errno == ENOENT else { throw FileSystemError.last(.remove, path) }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError.last(.remove, path) }
        }
    }
}
