import Foundation
import TestSupport
import XCTest

/// A merge as an office's machine fails in practice: killed while writing, Ctrl-C, a full disk,
/// two merges into one folder, the wrong key, a file the office cannot read, `--out` through a
/// link into the submissions. OUT always holds one complete run, and the messages say what
/// happened.
final class MergeFaultTests: XCTestCase {
    static let samples = MergeEndToEndTests.samples
    static let key = MergeEndToEndTests.key

    typealias Snapshot = [String: Data]

    /// Every file under `dir` (relative path → bytes); folders by their files.
    static func snapshot(_ dir: String) -> Snapshot {
        var out: Snapshot = [:]
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let p = (dir as NSString).appendingPathComponent(f)
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { out[f] = FileManager.default.contents(atPath: p) }
        }
        return out
    }

    static func restore(_ snapshot: Snapshot, to dir: String) throws {
        try? FileManager.default.removeItem(atPath: dir)
        for (path, data) in snapshot {
            let full = (dir as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: full, contents: data))
        }
    }

    static func merge(_ folder: String, out: String, key: String = key, environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(["merge", folder, "--round", "2021-06", "--out", out, "--key", key], environment: environment)
    }

    /// A submissions folder with the first `count` sample files.
    static func subset(_ count: Int) throws -> String {
        let dir = temporaryDirectory("subset").path
        let names = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".xlsx") && !$0.hasPrefix("~$") }.sorted()
        for n in names.prefix(count) { try FileManager.default.copyItem(atPath: samples + "/" + n, toPath: dir + "/" + n) }
        return dir
    }

    /// The outputs of a merge of 8 sample files (A), and of all of them (B), with B's duration.
    static let runs: (a: Snapshot, b: Snapshot, seconds: Double) = {
        let small = try! subset(8)
        let outA = temporaryDirectory("a").path + "/out", outB = temporaryDirectory("b").path + "/out"
        XCTAssertEqual(try! merge(small, out: outA).status, 1)
        let start = Date()
        XCTAssertEqual(try! merge(samples, out: outB).status, 1)
        let seconds = Date().timeIntervalSince(start)
        return (snapshot(outA), snapshot(outB), seconds)
    }()

    /// What lies beside OUT but OUT and the archive a completed merge records next to it (with
    /// its backups folder and, while another connection is open, its -wal and -shm files).
    static func leftovers(_ parent: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [])
            .filter { $0 != "out" && !["", ".backups", "-wal", "-shm"].map { "tianbao-archive.sqlite" + $0 }.contains($0) }.sorted()
    }

    /// The output files (not temporary ones) in the staging folder of process `pid` beside
    /// `out` (not one a killed run left), if it exists.
    static func stagedOutputs(_ parent: String, pid: Int32) -> Int? {
        let staging = parent + "/.out.tianbao-staging-\(pid)"
        guard FileManager.default.fileExists(atPath: staging) else { return nil }
        let names = (FileManager.default.enumerator(atPath: staging)?.allObjects as? [String]) ?? []
        return names.filter { !($0 as NSString).lastPathComponent.hasPrefix(".") && $0 != "反馈" }.count
    }

    /// Starts a merge into `parent/out` (each output step slowed by 10 ms) and sends it `signal`
    /// once `outputs` output files are in its staging folder (nil: after `delay` seconds).
    /// Returns the process (ended) and its standard error.
    static func mergeKilled(parent: String, outputs: Int?, delay: Double, signal: Int32) throws -> (Process, String) {
        let process = Process()
        process.executableURL = Binary.url
        process.arguments = ["merge", samples, "--round", "2021-06", "--out", parent + "/out", "--key", key]
        process.environment = ProcessInfo.processInfo.environment.merging(["TIANBAO_FAULT_INJECT": "delay-ms:10"]) { $1 }
        let errPath = NSTemporaryDirectory() + "tianbao-kill-\(UUID().uuidString).err"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        if let outputs {
            while process.isRunning && (stagedOutputs(parent, pid: process.processIdentifier) ?? -1) < outputs { usleep(1000) }
        } else {
            Thread.sleep(forTimeInterval: delay)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? err.close()
        let text = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errPath)
        return (process, text)
    }

    func testKilledAndInterruptedMergesLeaveThePreviousRunOrTheNewOne() throws {
        let (a, b, _) = Self.runs
        XCTAssertNotEqual(a, b)
        // 汇总，简报 ×3 (md, html, docx), 工作提示, report.json, a 反馈 for each of the 12 units with a
        // problem (warnings included: 江岸区's 宣传信息 item dated after its file was saved).
        XCTAssertEqual(b.count, 18, "汇总，简报 ×3 (md, html, docx), 工作提示, report.json, 12 反馈")
        let parent = temporaryDirectory("kill").path, out = parent + "/out"
        // Points: while checking (by time), then once 0, 1, … n - 1 of the n outputs are staged
        // (the last ones fall between the last output and the switch, or after it).
        let n = b.count
        let points: [(Int?, Double)] = [(nil, 0.05), (nil, 0.4), (0, 0), (1, 0), (3, 0), (n * 3 / 8, 0), (n * 9 / 16, 0),
                                        (n * 3 / 4, 0), (n - 2, 0), (n - 1, 0), (n, 0), (n, 0), (n + 1, 0)]
        var seen: [String] = []
        var lockLeft = false
        for (i, (outputs, delay)) in points.enumerated() {
            try Self.restore(a, to: out)
            let signal = [SIGKILL, SIGINT, SIGTERM][i % 3]
            let (process, stderr) = try Self.mergeKilled(parent: parent, outputs: outputs, delay: delay, signal: signal)
            let now = Self.snapshot(out)
            let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
            let label = "\(signal == SIGKILL ? "KILL" : signal == SIGINT ? "INT" : "TERM")@\(outputs.map { "\($0) staged" } ?? "\(delay) s"):\(status):\(now == a ? "A" : now == b ? "B" : "mixed")"
            seen.append(label)
            XCTAssertTrue(now == a || now == b, "\(label) left a mixed folder: \(Set(now.keys).symmetricDifference(a.keys))")
            if (signal == SIGINT && status == 130) || (signal == SIGTERM && status == 143) {
                XCTAssertEqual(now, a, "interrupted: OUT unchanged")
                // After a killed run, the takeover note comes first.
                let said = signal == SIGINT ? "已按 Ctrl-C 中断" : "已收到终止信号，已中断"
                XCTAssertTrue(stderr.hasSuffix("\(said)：本次汇总未完成，输出文件夹“\(out)”未作任何改动。\n"), stderr)
                XCTAssertTrue(stderr.split(separator: "\n").allSatisfy { $0.hasPrefix(said) || $0.hasPrefix("注意：上一次向") }, stderr)
                XCTAssertEqual(Self.leftovers(parent), [], "an interrupted run cleans up at once")
            }
            if status == 1 { XCTAssertEqual(now, b, "a run that completed switched its outputs in") }
            if lockLeft && outputs != nil {
                XCTAssertTrue(stderr.hasPrefix("注意：上一次向“\(out)”的汇总（进程 "), "a killed run's lock is taken over and said: \(stderr)")
            }
            lockLeft = status == -SIGKILL && outputs != nil
        }
        // The next run removes what killed runs left, and completes.
        let r = try Self.merge(Self.samples, out: out)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(Self.snapshot(out), b)
        XCTAssertEqual(Self.leftovers(parent), [], "no staging folder, temporary or lock file remains")
        XCTAssertTrue(seen.contains { $0.hasPrefix("KILL") && $0.hasSuffix(":A") } && seen.contains { $0.hasSuffix(":B") }, "\(seen)")
        XCTAssertTrue(seen.contains { $0.hasPrefix("INT") && $0.contains(":130:") }, "\(seen)")
        XCTAssertTrue(seen.contains { $0.hasPrefix("TERM") && $0.contains(":143:") }, "\(seen)")
        print("kill points:", seen.joined(separator: " "))
    }

    func testTwoMergesIntoOneFolderNeverMix() throws {
        let parent = temporaryDirectory("two").path, out = parent + "/out"
        let results = ResultBox()
        let group = DispatchGroup()
        // Each with its own archive: they meet at OUT's lock.
        for i in 0..<2 {
            DispatchQueue.global().async(group: group) {
                let r = try? Binary.run(["merge", Self.samples, "--round", "2021-06", "--out", out, "--key", Self.key,
                                         "--archive", parent + "/a\(i).sqlite"], environment: ["TIANBAO_FAULT_INJECT": "delay-ms:20"])
                results.append(r)
            }
        }
        group.wait()
        let all = results.values.compactMap { $0 }
        XCTAssertEqual(all.map(\.status).sorted(), [1, 3], all.map(\.stderr).joined())
        let loser = try XCTUnwrap(all.first { $0.status == 3 })
        XCTAssertTrue(loser.stderr.hasPrefix("错误：另一次汇总（进程 "), loser.stderr)
        XCTAssertTrue(loser.stderr.contains("正在写入输出文件夹“\(out)”。为免两次汇总的文件混在一起，本次不等待，未作任何改动，已退出"), loser.stderr)
        XCTAssertEqual(Self.snapshot(out), Self.runs.b)
        XCTAssertEqual(Self.leftovers(parent).filter { !$0.hasPrefix("a") }, [])
    }

    /// Two merges into one archive at once (May and June, each into its own folder): never
    /// interleaved. The second is refused while the first holds the archive's lock, says so,
    /// and changes nothing; the first records its round.
    func testTwoMergesIntoOneArchiveNeverInterleave() throws {
        let parent = temporaryDirectory("two-archive").path
        let archive = parent + "/tianbao-archive.sqlite"
        let results = ResultBox()
        let group = DispatchGroup()
        for round in ["2021-05", "2021-06"] {
            DispatchQueue.global().async(group: group) {
                let r = try? Binary.run(["merge", Self.samples + "/../" + round, "--round", round, "--out", parent + "/" + round,
                                         "--key", Self.key], environment: ["TIANBAO_FAULT_INJECT": "delay-ms:20"])
                results.append(r)
            }
        }
        group.wait()
        let all = results.values.compactMap { $0 }
        // The winner: 0 or 1 (May merged into an empty archive has nothing to be warned of).
        XCTAssertEqual(all.map { $0.status == 3 ? 3 : ($0.status <= 1 ? 1 : $0.status) }.sorted(), [1, 3], all.map(\.stderr).joined())
        let loser = try XCTUnwrap(all.first { $0.status == 3 })
        XCTAssertTrue(loser.stderr.hasPrefix("错误：另一次汇总（进程 "), loser.stderr)
        XCTAssertTrue(loser.stderr.contains("正在记入汇总档案“\(archive)”。为免两次汇总交错记入档案，本次不等待，未作任何改动，已退出"), loser.stderr)
        let recorded = try Binary.run(["history", "--archive", archive, "--format", "json"])
        let rounds = (try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as! [String: Any])["rounds"] as! [[String: Any]]
        XCTAssertEqual(rounds.count, 1, "only the first merge recorded")
        let folders = try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix("2021-") }
        XCTAssertEqual(folders, [rounds[0]["round"] as! String], "the loser made no output folder")
    }

    /// Only Chinese, paths and numbers: no library chatter, no English.
    func assertChineseOnly(_ text: String, paths: [String], file: StaticString = #filePath, line: UInt = #line) {
        var rest = text
        for p in paths { rest = rest.replacingOccurrences(of: p, with: "") }
        XCTAssertFalse(text.contains("[ERROR]"), text, file: file, line: line)
        XCTAssertNil(rest.range(of: "[A-Za-z]{3,}", options: .regularExpression), "English in: \(text)", file: file, line: line)
    }

    func testFullDiskInjectedLeavesOutAsItWas() throws {
        let parent = temporaryDirectory("full").path, out = parent + "/out"
        try Self.restore(Self.runs.a, to: out)
        for after in [0, 3, 10] {
            let r = try Self.merge(Self.samples, out: out, environment: ["TIANBAO_FAULT_INJECT": "write-after:\(after)"])
            XCTAssertEqual(r.status, 3, r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("错误：无法写入输出文件“\(out)/"), r.stderr)
            XCTAssertTrue(r.stderr.hasSuffix("”：磁盘空间不足。本次汇总未完成，输出文件夹“\(out)”未作任何改动。\n"), r.stderr)
            assertChineseOnly(r.stderr, paths: [out, ".xlsx", ".html", ".md", "report.json"])
            XCTAssertEqual(r.stdout, "", "nothing is reported as done")
            XCTAssertEqual(Self.snapshot(out), Self.runs.a)
            XCTAssertEqual(Self.leftovers(parent), [])
        }
    }

    /// The temporary file of checked rows damaged (as by a failing disk): the rows are not
    /// read back as fewer rows, the merge stops with status 3 and OUT is left as it was.
    func testADamagedRowStoreLeavesOutAsItWas() throws {
        let parent = temporaryDirectory("rows-damaged").path, out = parent + "/out"
        try Self.restore(Self.runs.a, to: out)
        let r = try Self.merge(Self.samples, out: out, environment: ["TIANBAO_FAULT_INJECT": "rows-damaged"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertEqual(r.stderr, "错误：汇总过程中暂存已校验数据行的临时文件已损坏，读回的数据与写入的不一致，请检查临时文件夹所在的磁盘后重新汇总。"
                       + "本次汇总未完成，输出文件夹“\(out)”未作任何改动。\n")
        XCTAssertEqual(r.stdout, "", "nothing is reported as done")
        XCTAssertEqual(Self.snapshot(out), Self.runs.a)
        XCTAssertEqual(Self.leftovers(parent), [])
    }

    func testFullDiskOnASmallTmpfs() throws {
        let mountPoint = temporaryDirectory("tmpfs").path
        let (status, log) = try runProcess("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])
        guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?): \(log)") }
        defer { _ = try? runProcess("umount", [mountPoint]) }
        let out = mountPoint + "/out"
        let r = try Self.merge(Self.samples, out: out)
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("错误：无法写入输出文件“\(out)/"), r.stderr)
        XCTAssertTrue(r.stderr.contains("”：磁盘空间不足。本次汇总未完成"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        assertChineseOnly(r.stderr, paths: [out, ".xlsx", ".html", ".md", "report.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint), [], "no OUT, no staging, no temporary file")
    }

    /// libxlsxwriter's own failure (its `[ERROR]…` lines silenced, its code said in Chinese), as
    /// `templates` meets it on a full disk.
    func testWorkbookWriterOnAFullDiskSaysWhyWithoutLibraryChatter() throws {
        let mountPoint = temporaryDirectory("tmpfs-templates").path
        let (status, log) = try runProcess("mount", ["-t", "tmpfs", "-o", "size=100k", "tmpfs", mountPoint])
        guard status == 0 else { throw XCTSkip("cannot mount a tmpfs here (not root?): \(log)") }
        defer { _ = try? runProcess("umount", [mountPoint]) }
        let r = try Binary.run(["templates", "--round", "2021-06", "--out", mountPoint + "/t", "--key", Self.key])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("错误：无法写入文件“"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix(".xlsx”：磁盘空间不足\n"), r.stderr)
        XCTAssertFalse(r.stderr.contains("[ERROR]") || r.stderr.contains("ZIP"), r.stderr)
    }

    func testWrongKeyStopsBeforeWritingAnything() throws {
        let parent = temporaryDirectory("wrongkey").path
        let key = parent + "/other.key"
        try String(repeating: "ab", count: 32).write(toFile: key, atomically: true, encoding: .utf8)
        let r = try Self.merge(Self.samples, out: parent + "/out", key: key)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("错误：签名密钥与本轮模板不匹配：本轮可识别的 36 个模板文件中，没有一个的签名能用所给的密钥验证。所用密钥：--key 指定的“\(key)”"), r.stderr)
        XCTAssertTrue(r.stderr.contains("未写入任何文件，也没有给各单位生成反馈表"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["other.key"], "nothing written")
        let env = try Binary.run(["status", Self.samples, "--round", "2021-06"], environment: ["TIANBAO_KEY_FILE": key])
        XCTAssertEqual(env.status, 2)
        XCTAssertTrue(env.stderr.contains("所用密钥：环境变量 TIANBAO_KEY_FILE 指定的“\(key)”"), env.stderr)
    }

    func report(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
    }

    /// Checks what a merge says about 江岸区's file when the office could not read it.
    func assertUnreadableJiangan(_ r: Binary.Result, out: String, cause: String) throws {
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("办公室一侧的问题（不是报送单位的错误，未退回、未发反馈表，相关单位暂列为未处理）：\n"
                                        + "  无法读取“江岸区人民政府-2021-06.xlsx”（江岸区人民政府）：\(cause)\n"), r.stdout)
        let report = try report(out)
        let files = report["files"] as! [[String: Any]]
        let file = try XCTUnwrap(files.first { $0["file"] as? String == "江岸区人民政府-2021-06.xlsx" })
        XCTAssertEqual(file["status"] as? String, "unreadable")
        XCTAssertEqual(file["unit_id"] as? String, "jiangan")
        XCTAssertEqual((file["problems"] as? [Any])?.count, 0, "not the unit's problem")
        let unit = try XCTUnwrap((report["units"] as! [[String: Any]]).first { $0["unit_id"] as? String == "jiangan" })
        XCTAssertEqual(unit["status"] as? String, "missing")
        XCTAssertEqual(unit["unread_files"] as? [String], ["江岸区人民政府-2021-06.xlsx"])
        let office = report["office_problems"] as! [[String: Any]]
        XCTAssertEqual(office.count, 1)
        XCTAssertEqual(office.first?["cause"] as? String, cause)
        let totals = report["totals"] as! [String: Int]
        XCTAssertEqual(totals["unread"], 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/反馈/江岸区人民政府-2021-06-反馈.xlsx"), "no feedback for the office's fault")
    }

    func testUnreadableFileIsTheOfficesProblem() throws {
        let out = temporaryDirectory("unreadable").path + "/out"
        let r = try Self.merge(Self.samples, out: out, environment: ["TIANBAO_FAULT_INJECT": "read-fail:江岸区人民政府-2021-06.xlsx"])
        try assertUnreadableJiangan(r, out: out, cause: "无权限")
        XCTAssertEqual((try report(out)["totals"] as! [String: Int])["rejected"], 3, "not counted as 被退回")
    }

    /// The same with a real permission: run as `nobody` (root reads any file), where setpriv exists.
    func testUnreadableFileAndFolderAsAnotherUser() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run as nobody")
        }
        let base = temporaryDirectory("nobody").path
        chmod(base, 0o777)
        let subs = base + "/subs"
        try FileManager.default.createDirectory(atPath: subs, withIntermediateDirectories: true)
        for n in ["江岸区人民政府-2021-06.xlsx", "市公安局-2021-06.xlsx", "汉阳区人民政府-2021-06.xlsx"] {
            try FileManager.default.copyItem(atPath: Self.samples + "/" + n, toPath: subs + "/" + n)
            chmod(subs + "/" + n, 0o644)
        }
        chmod(subs + "/江岸区人民政府-2021-06.xlsx", 0o000)
        let key = base + "/demo.key"
        try FileManager.default.copyItem(atPath: Self.key, toPath: key)
        chmod(key, 0o644)
        func asNobody(_ args: [String]) throws -> Binary.Result {
            try Binary.run(args, environment: [:], launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        }
        let out = base + "/out"
        let r = try asNobody(["merge", subs, "--round", "2021-06", "--out", out, "--key", key])
        try assertUnreadableJiangan(r, out: out, cause: "无权限")
        // A folder that cannot be listed: said with its path, and nothing is made.
        chmod(subs, 0o311)
        defer { chmod(subs, 0o755) }
        let listed = try asNobody(["merge", subs, "--round", "2021-06", "--out", base + "/out2", "--key", key])
        XCTAssertEqual(listed.status, 2, listed.stderr)
        XCTAssertEqual(listed.stderr, "错误：无法列出报送文件夹“\(subs)”中的文件：无权限。未作任何改动。\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: base + "/out2"))
    }

    func testOutThroughALinkIntoTheSubmissionsIsRefused() throws {
        let base = temporaryDirectory("link").path
        let subs = try Self.subset(3)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: subs)
        let before = Self.snapshot(subs)
        let r = try Self.merge(subs, out: base + "/link/out")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("错误：输出文件夹“\(base)/link/out”（经链接实际指向“"), r.stderr)
        XCTAssertTrue(r.stderr.contains("”）在报送文件夹“\(subs)”之内"), r.stderr)
        XCTAssertEqual(Self.snapshot(subs), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: subs).count, 3, "nothing made in the submissions")
    }

    func testOwnOutputsInASubmissionsFolderAreSkipped() throws {
        let subs = try Self.subset(3)
        try Self.restore(Self.runs.a, to: subs + "/旧输出")
        for name in ["汇总-2021-06.xlsx", "简报-2021-06.md", "report.json"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: subs + "/" + name, contents: Self.runs.a[name]))
        }
        let out = temporaryDirectory("own").path + "/out"
        let r = try Self.merge(subs, out: out)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("注意：报送文件夹中有 Tianbao 自己生成的输出，已跳过：“report.json”、“旧输出”、“汇总-2021-06.xlsx”、“简报-2021-06.md”。"), r.stdout)
        let files = try report(out)["files"] as! [[String: Any]]
        for name in ["汇总-2021-06.xlsx", "简报-2021-06.md", "report.json", "旧输出"] {
            let f = files.first { $0["file"] as? String == name }
            XCTAssertEqual(f?["status"] as? String, "skipped", name)
            XCTAssertEqual(f?["note"] as? String, "Tianbao 汇总生成的输出（不是报送文件），已跳过；输出文件夹请勿放在报送文件夹中", name)
        }
        XCTAssertEqual(files.filter { $0["status"] as? String == "rejected" }.count, 0, "none of them rejected as a submission")
    }

    func testMessagesSayWhatIsWrong() throws {
        let base = temporaryDirectory("messages").path
        // A key file that exists but is not a key.
        let notKey = base + "/notes.txt"
        try "办公室电话 027-12345678\n".write(toFile: notKey, atomically: true, encoding: .utf8)
        let k = try Self.merge(Self.samples, out: base + "/o1", key: notKey)
        XCTAssertEqual(k.status, 2)
        XCTAssertEqual(k.stderr, "错误：“\(notKey)”不是有效的签名密钥文件（内容不是 64 个十六进制字符）：密钥文件只含 64 个十六进制字符，"
                       + "由 tianbao templates 首次运行时生成。请用 --key 指定办公室的密钥文件。\n")
        // A file where a folder is expected.
        let file = Self.samples + "/江岸区人民政府-2021-06.xlsx"
        let f = try Self.merge(file, out: base + "/o2")
        XCTAssertEqual(f.status, 2)
        XCTAssertEqual(f.stderr, "错误：“\(file)”是一个文件，不是文件夹。请给出存放各单位报回文件的文件夹（而不是其中的某个文件）。\n")
        // A folder that cannot be listed (injected; see the test run as nobody for a real one).
        let l = try Self.merge(Self.samples, out: base + "/o3", environment: ["TIANBAO_FAULT_INJECT": "list-fail"])
        XCTAssertEqual(l.status, 2)
        XCTAssertEqual(l.stderr, "错误：无法列出报送文件夹“\(Self.samples)”中的文件：无权限。未作任何改动。\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base), ["notes.txt"], "nothing made")
    }

    func testAnOutputFolderWithOtherFilesIsNotReplaced() throws {
        let out = temporaryDirectory("foreign").path + "/out"
        try Self.restore(Self.runs.a, to: out)
        try "备忘".write(toFile: out + "/备忘.txt", atomically: true, encoding: .utf8)
        let r = try Self.merge(Self.samples, out: out)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("错误：输出文件夹“\(out)”中有不是 Tianbao 生成的文件或文件夹（“备忘.txt”）"), r.stderr)
        XCTAssertEqual(Self.snapshot(out).count, Self.runs.a.count + 1)
        // Other rounds' outputs are carried over.
        try FileManager.default.removeItem(atPath: out + "/备忘.txt")
        try Data("五月".utf8).write(to: URL(fileURLWithPath: out + "/简报-2021-05.md"))
        XCTAssertEqual(try Self.merge(Self.samples, out: out).status, 1)
        XCTAssertEqual(FileManager.default.contents(atPath: out + "/简报-2021-05.md"), Data("五月".utf8))
    }
}

/// Results gathered from several threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Binary.Result?] = []
    func append(_ r: Binary.Result?) { lock.lock(); items.append(r); lock.unlock() }
    var values: [Binary.Result?] { lock.lock(); defer { lock.unlock() }; return items }
}
