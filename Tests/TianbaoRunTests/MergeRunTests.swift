import Foundation
import TestSupport
import TianbaoPlan
import TianbaoRun
import TianbaoTemplates
import XCTest

/// The run engine called as a library, as the portal calls it: an outcome or a typed failure,
/// cancel from another thread, two runs into one folder in one process, and nothing printed.
final class MergeRunTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let samples = root.appendingPathComponent("samples/submissions/2021-06").path
    static let key = try! SigningKey.load(path: root.appendingPathComponent("keys/demo-signing.key").path)
    static let plan = PlanLoader.defaultPlan()

    func request(out: String, archive: MergeRequest.Archive = .besideOutput,
                 progress: (@Sendable (RunProgress) -> Void)? = nil) -> MergeRequest {
        MergeRequest(submissions: Self.samples, round: "2021-06", out: out, plan: Self.plan, key: Self.key, archive: archive,
                     progress: progress)
    }

    /// What lies in `parent` besides OUT and the archive.
    func leftovers(_ parent: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [])
            .filter { $0 != "out" && !$0.hasPrefix("tianbao-archive.sqlite") }.sorted()
    }

    func testARunReturnsItsOutcomeAndPrintsNothing() throws {
        let parent = temporaryDirectory("run-outcome").path, out = parent + "/out"
        let (outcome, printed) = try capturingStandardError { try MergeRun(request(out: out)).run() }
        XCTAssertEqual(printed, "", "a run prints nothing")
        XCTAssertEqual(outcome.result.totals.expected, 41)
        XCTAssertEqual(outcome.exitStatus, .partial)
        XCTAssertEqual(outcome.archivePath, parent + "/tianbao-archive.sqlite")
        XCTAssertTrue(FileManager.default.fileExists(atPath: parent + "/tianbao-archive.sqlite"))
        XCTAssertEqual(outcome.written.first, out + "/汇总-2021-06.xlsx")
        XCTAssertTrue(outcome.written.contains(out + "/report.json"))
        for path in outcome.written { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
        XCTAssertEqual(outcome.notes, [])
        XCTAssertEqual(leftovers(parent), [])
    }

    func testFailuresAreValuesWithOneMessageAndStatus() throws {
        let parent = temporaryDirectory("run-failures").path
        func failure(_ request: MergeRequest) -> RunFailure? {
            do {
                _ = try MergeRun(request).run()
                return nil
            } catch {
                return error
            }
        }
        var r = request(out: parent + "/out")
        r.round = "2099-01"
        let unknown = try XCTUnwrap(failure(r))
        XCTAssertEqual(unknown.exitStatus, .usage)
        XCTAssertTrue(unknown.message.hasPrefix("错误：计划中没有轮次“2099-01”。可用的轮次：2021-03、"), unknown.message)

        r = request(out: parent + "/out")
        r.submissions = parent + "/none"
        let missing = try XCTUnwrap(failure(r))
        guard case .submissionsMissing(parent + "/none") = missing.reason else { return XCTFail("\(missing.reason)") }
        XCTAssertEqual(missing.message, "错误：报送文件夹“\(parent)/none”不存在。")

        try "备忘".write(toFile: parent + "/file", atomically: true, encoding: .utf8)
        let notFolder = try XCTUnwrap(failure(request(out: parent + "/file")))
        XCTAssertEqual(notFolder.exitStatus, .usage)
        XCTAssertEqual(notFolder.message, "错误：“\(parent)/file”已存在，但不是文件夹。请指定一个文件夹作为输出位置。")

        // The wrong key: the office's mistake, nothing written.
        var wrong = request(out: parent + "/out")
        wrong.key = SigningKey(bytes: Array(repeating: 0xAB, count: 32))
        wrong.keyDescription = "测试密钥"
        let mismatch = try XCTUnwrap(failure(wrong))
        guard case .keyMismatch(0, _, "测试密钥") = mismatch.reason else { return XCTFail("\(mismatch.reason)") }
        XCTAssertEqual(mismatch.exitStatus, .usage)
        XCTAssertTrue(mismatch.message.contains("所用密钥：测试密钥。请改用生成本轮模板时的密钥。"), mismatch.message)
        XCTAssertEqual(leftovers(parent), ["file"], "nothing made")
        XCTAssertFalse(FileManager.default.fileExists(atPath: parent + "/out"))
    }

    /// `cancel` from another thread while the run checks files: the run throws `.interrupted`,
    /// OUT and the archive are as they were, nothing is left beside them.
    func testCancelFromAnotherThreadLeavesEverythingAsItWas() throws {
        let parent = temporaryDirectory("run-cancel").path, out = parent + "/out"
        let box = RunBox()
        let run = MergeRun(request(out: out, progress: { event in
            if case .checked(5, _) = event { box.cancelled = box.run?.cancel(signal: SIGINT) }
        }))
        box.run = run
        XCTAssertThrowsError(try run.run()) { error in
            guard let failure = error as? RunFailure, case .interrupted(SIGINT) = failure.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.exitStatus, .interrupted)
            XCTAssertEqual(failure.message, "已按 Ctrl-C 中断：本次汇总未完成，输出文件夹“\(out)”未作任何改动。")
        }
        XCTAssertNotNil(box.cancelled, "cancel stopped the run")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: parent + "/tianbao-archive.sqlite"), "no archive made")
        XCTAssertEqual(leftovers(parent), [], "no staging folder or lock left")
        XCTAssertNil(run.cancel(), "a run that ended cannot be cancelled again")

        // After the switch, cancel changes nothing.
        let done = MergeRun(request(out: out))
        _ = try done.run()
        XCTAssertNil(done.cancel())
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/report.json"))
    }

    /// Two runs into one folder from one process (a portal's two clicks): one completes, the
    /// other is refused as busy and changes nothing.
    func testTwoRunsIntoOneFolderInOneProcess() throws {
        let parent = temporaryDirectory("run-two").path, out = parent + "/out"
        let results = FailureBox()
        let request = self.request(out: out)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do throws(RunFailure) {
                _ = try MergeRun(request).run()
                results.add(nil)
            } catch {
                results.add(error)
            }
        }
        let failures = results.values.compactMap { $0 }
        XCTAssertEqual(results.values.count, 2)
        XCTAssertEqual(failures.count, 1, "\(failures.map(\.message))")
        // Refused at the archive's lock or at OUT's, whichever it met first.
        guard let busy = failures.first else { return XCTFail("\(failures)") }
        switch busy.reason {
        case .busy, .archive(.busy): break
        default: XCTFail("\(busy.reason)")
        }
        XCTAssertEqual(busy.exitStatus, .outputFailed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/report.json"))
        XCTAssertEqual(leftovers(parent), [])
    }
}

/// What a progress callback on the run's threads reaches.
final class RunBox: @unchecked Sendable {
    var run: MergeRun?
    var cancelled: RunFailure?
}

/// Failures gathered from several threads.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RunFailure?] = []
    func add(_ failure: RunFailure?) { lock.lock(); items.append(failure); lock.unlock() }
    var values: [RunFailure?] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Runs `body` with descriptor 2 pointed at a file; returns its value and what was written there.
func capturingStandardError<T>(_ body: () throws -> T) throws -> (T, String) {
    let path = NSTemporaryDirectory() + "tianbao-stderr-\(UUID().uuidString)"
    FileManager.default.createFile(atPath: path, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = open(path, O_WRONLY)
    let saved = dup(2)
    dup2(file, 2)
    close(file)
    defer {
        dup2(saved, 2)
        close(saved)
    }
    let value = try body()
    return (value, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
}
