import Foundation
import XCTest
@testable import TianbaoSupport

/// The file-system boundary: errno in Chinese, atomic writes, the staged switch, the lock.
final class FileSystemTests: XCTestCase {
    func scratch() -> String {
        let path = NSTemporaryDirectory() + "tianbao-fs-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func testErrnoBecomesOneChineseMessage() {
        XCTAssertEqual(FileSystemError(.write, path: "/out/汇总-2021-06.xlsx", code: ENOSPC).message,
                       "无法写入“/out/汇总-2021-06.xlsx”：磁盘空间不足")
        XCTAssertEqual(FileSystemError(.create, path: "/mnt/ro", code: EROFS).cause, "所在磁盘是只读的")
        XCTAssertEqual(FileSystemError(.read, path: "/a", code: EACCES).cause, "无权限")
        XCTAssertEqual(FileSystemError(.read, path: "/a", code: EPERM).cause, "无权限")
        XCTAssertEqual(FileSystemError(.list, path: "/a", code: ENOTDIR).message, "无法列出“/a”：路径中有一项不是文件夹")
    }

    func testListingAFileOrNothingSaysWhy() {
        let dir = scratch()
        FileManager.default.createFile(atPath: dir + "/f", contents: Data())
        XCTAssertThrowsError(try FileSystem.listNames(dir + "/f")) { XCTAssertEqual(($0 as? FileSystemError)?.code, ENOTDIR) }
        XCTAssertThrowsError(try FileSystem.listNames(dir + "/none")) { XCTAssertEqual(($0 as? FileSystemError)?.code, ENOENT) }
        XCTAssertEqual(try FileSystem.listNames(dir), [Array("f".utf8)])
    }

    func testAtomicWriteLeavesNoTemporaryFile() throws {
        let dir = scratch()
        try FileSystem.writeAtomically(Data("一".utf8), to: dir + "/a.txt")
        try FileSystem.writeAtomically(Data("二".utf8), to: dir + "/a.txt")
        XCTAssertEqual(try String(contentsOfFile: dir + "/a.txt", encoding: .utf8), "二")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.txt"])
        XCTAssertThrowsError(try FileSystem.writeAtomically(Data(), to: dir + "/none/a.txt")) {
            XCTAssertEqual(($0 as? FileSystemError)?.operation, .write)
        }
    }

    func testFaultPlanIsParsed() {
        let plan = FaultInjection.parse("write-after:3,read-fail:a.xlsx,delay-ms:20,list-fail")
        XCTAssertEqual(plan.writeAfter, 3)
        XCTAssertEqual(plan.readFail, ["a.xlsx"])
        XCTAssertEqual(plan.delayMilliseconds, 20)
        XCTAssertTrue(plan.listFail)
        XCTAssertNil(FaultInjection.parse("").writeAfter)
    }

    func testStagedFolderReplacesTheWholeFolder() throws {
        let dir = scratch(), out = dir + "/out"
        try FileSystem.makeFolder(out)
        try FileSystem.writeAtomically(Data("old".utf8), to: out + "/old.txt")
        let staged = try StagedFolder(target: out)
        try FileSystem.writeAtomically(Data("new".utf8), to: staged.path("new.txt"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["old.txt"], "untouched until the switch")
        try staged.commit(syncing: [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["new.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out"], "nothing left beside it")
    }

    func testDiscardLeavesTheTargetAsItWas() throws {
        let dir = scratch(), out = dir + "/out"
        let staged = try StagedFolder(target: out)
        try FileSystem.writeAtomically(Data("new".utf8), to: staged.path("new.txt"))
        staged.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testLeftoversOfAKilledRunAreRecovered() throws {
        let dir = scratch(), out = dir + "/out"
        // A two-step switch cut off between its renames: no OUT, the previous content aside.
        try FileSystem.makeFolder(dir + "/.out.tianbao-old-99999")
        try FileSystem.writeAtomically(Data("previous".utf8), to: dir + "/.out.tianbao-old-99999/a.txt")
        try FileSystem.makeFolder(dir + "/.out.tianbao-staging-99998")
        let handled = try StagedFolder.recoverLeftovers(of: out)
        XCTAssertEqual(handled.sorted(), [".out.tianbao-old-99999", ".out.tianbao-staging-99998"])
        XCTAssertEqual(try String(contentsOfFile: out + "/a.txt", encoding: .utf8), "previous")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out"])
    }

    func testLockIsExclusiveAndItsFileGoesWithIt() throws {
        let dir = scratch(), out = dir + "/out"
        let lock = try FolderLock(folder: out)
        XCTAssertNil(lock.takenOverFrom)
        let text = try String(contentsOfFile: FolderLock.path(for: out), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("pid \(getpid())\n"), text)
        // flock is per open file: a second open in this process is refused like another process.
        XCTAssertThrowsError(try FolderLock(folder: out)) { XCTAssertEqual(($0 as? FolderLock.Busy)?.holder?.pid, getpid()) }
        lock.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: FolderLock.path(for: out)))
    }

    func testStaleLockOfADeadProcessIsTakenOver() throws {
        let dir = scratch(), out = dir + "/out"
        try "pid 999999\nstart 1\nstarted 2021-06-25 10:00:00\n".write(toFile: FolderLock.path(for: out), atomically: true, encoding: .utf8)
        let lock = try FolderLock(folder: out)
        XCTAssertEqual(lock.takenOverFrom?.pid, 999999)
        XCTAssertEqual(lock.takenOverFrom?.isAlive, false)
        lock.release()
    }

    func testResolvedPathFollowsLinksOfPathsNotYetMade() throws {
        let dir = scratch()
        try FileSystem.makeFolder(dir + "/real")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
        let resolvedDir = FileSystem.resolvedPath(dir)
        XCTAssertEqual(FileSystem.resolvedPath(dir + "/link/new/out"), resolvedDir + "/real/new/out")
        XCTAssertTrue(FileSystem.isInside(resolvedDir + "/real/x", resolvedDir + "/real"))
        XCTAssertFalse(FileSystem.isInside(resolvedDir + "/realx", resolvedDir + "/real"))
    }
}
