import Foundation
import TianbaoSupport

/// The lock a command holds while it writes into an archive (a merge from its first read to
/// its switch, a restore): `.<archive>.tianbao-lock` beside the archive, a `FolderLock`. Two
/// writers never interleave; readers need no lock (WAL).
public final class ArchiveWriteLock: @unchecked Sendable {
    private let lock: FolderLock

    /// Takes the lock without waiting: `ArchiveError.busy` when another run holds it,
    /// `UnsafeSidecar` when a link stands at its path.
    public init(archive path: String) throws {
        do {
            try FileSystem.makeFolder((path as NSString).deletingLastPathComponent)
            lock = try FolderLock(folder: path)
        } catch let busy as FolderLock.Busy {
            throw ArchiveError.busy(path: path, lockPath: busy.path, holder: busy.holder)
        } catch let error as FileSystemError {
            throw ArchiveError.lockFailed(path: path, lockPath: FolderLock.path(for: path), cause: error.cause)
        }
    }

    /// Releases the lock (once; later calls do nothing).
    public func release() { lock.release() }
}
