import Foundation

/// A folder of expensive test inputs (a year of rounds merged in order, say) made once per test
/// run and read by every test process of that run.
///
/// `make test` runs test classes in several processes at once (Tests/run_tests.py) and gives
/// them one folder, `$TIANBAO_TEST_FIXTURES`; the first process that asks for a fixture makes it
/// while holding a lock on `NAME.lock`, the others wait and then read it. A fixture is made in
/// a scratch folder and renamed into place whole, so a process that dies while making it leaves
/// nothing another would read. Without `$TIANBAO_TEST_FIXTURES` (a plain `swift test`), each
/// process makes its own in a scratch folder.
///
/// Tests only read a fixture: a test that changes files copies them first.
public enum SharedFixture {
    /// The folder of fixture `name` (a file-name-safe word; it includes the identity of the
    /// binary under test, so a folder kept from another build is never read). `make` fills the
    /// empty folder it is given and throws when the fixture cannot be made.
    public static func folder(_ name: String, make: (URL) throws -> Void) throws -> URL {
        let root = rootFolder
        let key = "\(name)-\(buildIdentity)"
        let lockPath = root.appendingPathComponent(key + ".lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw FixtureError(message: "cannot open the lock \(lockPath): errno \(errno)") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FixtureError(message: "cannot lock \(lockPath): errno \(errno)") }
        }
        defer { flock(fd, LOCK_UN) }
        let done = root.appendingPathComponent(key)
        if FileManager.default.fileExists(atPath: done.path) { return done }
        let partial = root.appendingPathComponent("\(key).partial-\(getpid())")
        try? FileManager.default.removeItem(at: partial)
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try make(partial)
        try FileManager.default.moveItem(at: partial, to: done)
        return done
    }

    /// `$TIANBAO_TEST_FIXTURES`, else a scratch folder of this process.
    static let rootFolder: URL = {
        if let shared = ProcessInfo.processInfo.environment["TIANBAO_TEST_FIXTURES"], !shared.isEmpty {
            let url = URL(fileURLWithPath: shared)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }
        return temporaryDirectory("fixtures")
    }()

    /// The size and modification time of the test bundle's executable (the `tianbao` binary is
    /// built with it), as hex.
    static let buildIdentity: String = {
        let path = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } ?? ""
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let size = (attributes[.size] as? Int) ?? 0
        let modified = Int(((attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970 * 1000)
        return String(size, radix: 16) + String(modified, radix: 16)
    }()

    struct FixtureError: Error, CustomStringConvertible { var message: String; var description: String { message } }
}
