import Foundation

/// A folder replaced as a whole: the new content is written into a staging folder beside the
/// target (same parent, so on the same file system) and switched in with one rename at the
/// end, so the target always holds either the previous complete content or the new complete
/// content, never a mix. Use it while holding the target's `FolderLock`.
///
/// Names beside the target `OUT` (all hidden, all removed by the next run):
/// - `.OUT.tianbao-staging-<pid>` — the new content being written;
/// - `.OUT.tianbao-old-<pid>` — the previous content, during a two-step switch.
///
/// The switch, and what the next run does after a crash at each point:
/// 1. Before the switch: OUT is untouched; the staging folder is left over and removed.
/// 2. The switch itself is one atomic exchange of OUT and the staging folder (Linux
///    `renameat2(RENAME_EXCHANGE)`, macOS `renamex_np(RENAME_SWAP)`), or a single rename when
///    there is no OUT yet: no crash can fall inside it.
/// 3. After the exchange the staging name holds the previous content until it is removed; a
///    crash there leaves it over, and it is removed.
///
/// Where the file system cannot exchange, the switch takes two renames (OUT → old, staging →
/// OUT); a crash between them leaves no OUT and a complete old folder, which the next run
/// renames back to OUT (the previous run, whole). An old folder found beside an existing OUT is
/// the previous content of a completed switch, and is removed.
public final class StagedFolder: @unchecked Sendable {
    /// The folder to replace.
    public let target: String
    /// Where the new content is written.
    public let staging: String
    /// Set once switched in or discarded; guarded by `lock` (a signal handler may discard
    /// while the command's thread commits).
    private var done = false
    private let lock = NSLock()

    /// `.OUT.tianbao-` in OUT's parent: the prefix of every name this type leaves beside OUT.
    static func sidecarPrefix(_ target: String) -> (parent: String, prefix: String) {
        let url = URL(fileURLWithPath: target)
        return (url.deletingLastPathComponent().path, ".\(url.lastPathComponent).tianbao-")
    }

    /// Starts an empty staging folder for `target`, after removing what earlier runs killed
    /// while writing left beside it (see the type's description). Call while holding the lock.
    /// `recovered` tells what was cleaned up, for a note to the user.
    public init(target: String) throws {
        self.target = target
        let (parent, prefix) = Self.sidecarPrefix(target)
        _ = try Self.recoverLeftovers(of: target)
        staging = (parent as NSString).appendingPathComponent("\(prefix)staging-\(getpid())")
        try FileSystem.makeFolder(parent)
        // mkdir never follows a link and fails on anything already there.
        guard mkdir(staging, 0o755) == 0 else {
            if errno == EEXIST { throw UnsafeSidecar(path: staging, kind: FileSystem.kind(staging)) }
            throw FileSystemError.last(.create, staging)
        }
    }

    /// A staging folder an earlier run left complete beside `target` (its switch was cut off
    /// after the archive recorded the round), to switch in now.
    public init(adopting staging: String, target: String) {
        self.target = target
        self.staging = staging
    }

    /// Removes the staging and old folders earlier runs left beside `target`, and puts the
    /// previous content back when a two-step switch was cut off between its renames. Returns the
    /// names it removed or restored. Call while holding the lock (no live run owns them then).
    @discardableResult
    public static func recoverLeftovers(of target: String) throws -> [String] {
        let (parent, prefix) = sidecarPrefix(target)
        guard FileSystem.kind(parent) == .folder else { return [] }
        var handled: [String] = []
        let names = try FileSystem.listNames(parent).compactMap { String(validating: $0, as: UTF8.self) }
        for name in names.sorted() where name.hasPrefix(prefix) {
            let path = (parent as NSString).appendingPathComponent(name)
            let role = name.dropFirst(prefix.count)
            guard role.hasPrefix("old-") || role.hasPrefix("staging-") else { continue }
            // Only folders this type made: a link (or anything else) there is never followed,
            // renamed into the target's place or removed.
            if let kind = FileSystem.kind(path), kind != .folder { throw UnsafeSidecar(path: path, kind: kind) }
            if role.hasPrefix("old-") && FileSystem.kind(target) == nil {
                try FileSystem.rename(path, to: target)
                handled.append(name)
            } else if role.hasPrefix("old-") || role.hasPrefix("staging-") {
                try FileSystem.removeTree(path)
                handled.append(name)
            }
        }
        return handled
    }

    /// The path of `relative` in the staging folder.
    public func path(_ relative: String) -> String { (staging as NSString).appendingPathComponent(relative) }

    /// The path `relative` will have in the target once switched.
    public func finalPath(_ relative: String) -> String { (target as NSString).appendingPathComponent(relative) }

    /// Translates a path in the staging folder to the path it will have in the target.
    public func finalPath(ofStaged path: String) -> String {
        FileSystem.isInside(path, staging) ? target + path.dropFirst(staging.count) : path
    }

    /// Switches the staging folder in for the target: flushes the staged folders, exchanges,
    /// removes the previous content. After it returns the target holds the new content.
    public func commit(syncing folders: [String]) throws {
        try sync(folders)
        try switchIn()
    }

    /// Flushes the staging folder and `folders` in it to disk (each file was flushed when it
    /// was written): after this, a crash cannot lose what the staging folder holds.
    public func sync(_ folders: [String]) throws {
        for folder in folders + [staging] { try FileSystem.syncFolder(folder) }
    }

    /// What identifies the staging folder (device and inode): after the switch the target has it.
    public var identity: FileSystem.Identity? { FileSystem.identity(staging) }

    /// Exchanges the (flushed) staging folder with the target, or renames it into place when
    /// there is no target yet; removes the previous content.
    public func switchIn() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { throw FileSystemError(.rename, path: staging, code: ENOENT) }
        let (parent, prefix) = Self.sidecarPrefix(target)
        switch FileSystem.kind(target) {
        case nil:
            try FileSystem.rename(staging, to: target)
        case .folder:
            if try FileSystem.exchange(staging, target) {
                done = true
                try? FileSystem.syncFolder(parent)
                try? FileSystem.removeTree(staging)  // the previous content; else the next run removes it
                return
            }
            let old = (parent as NSString).appendingPathComponent("\(prefix)old-\(getpid())")
            try FileSystem.rename(target, to: old)
            do {
                try FileSystem.rename(staging, to: target)
            } catch {
                try? FileSystem.rename(old, to: target)
                throw error
            }
            done = true
            try? FileSystem.syncFolder(parent)
            try? FileSystem.removeTree(old)
            return
        default:
            throw FileSystemError(.write, path: target, code: ENOTDIR)
        }
        done = true
        try? FileSystem.syncFolder(parent)
    }

    /// Removes the staging folder; the target stays as it was. Safe to call while other threads
    /// still write into it: the folder is first renamed away, so no new file lands in it.
    public func discard() {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        let (parent, prefix) = Self.sidecarPrefix(target)
        let away = (parent as NSString).appendingPathComponent("\(prefix)staging-discarded-\(getpid())")
        let victim = Foundation.rename(staging, away) == 0 ? away : staging
        for _ in 0..<3 where FileSystem.kind(victim) != nil { try? FileSystem.removeTree(victim) }
    }
}
