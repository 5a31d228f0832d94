import Foundation
@testable import TianbaoRound
import XCTest
@testable import TianbaoCheck
@testable import TianbaoMerge
@testable import TianbaoOutputs
import TianbaoPlan
import TianbaoTemplates

/// The steps of a merge, each on its own (no workbook is checked): listing, scheduling,
/// resolving which file of a unit counts, totals, the streaming protocol, the row store.
final class RoundStepsTests: XCTestCase {
    static let plan = PlanLoader.defaultPlan()
    static let round = plan.round("2021-06")!
    static let units = plan.units(in: round)
    var a: ReportingUnit { Self.units[0] }
    var b: ReportingUnit { Self.units[1] }
    var c: ReportingUnit { Self.units[2] }

    func templateName(_ u: ReportingUnit) -> String { TemplateLayout.fileName(unit: u, round: Self.round) }

    /// A checked file of `unit`, saved `minutes` after the due date's midnight (China time),
    /// accepted unless `rejected`, with `rows` rows of which `errors` have errors.
    func submission(_ file: String, _ unit: ReportingUnit?, minutes: Int = -600, rejected: Bool = false,
                    rows: Int = 0, errors: Int = 0) -> Submission {
        var s = Submission(file: file, path: "/nonexistent/" + file, sha256: "")
        s.unit = unit
        s.roundId = Self.round.id
        let due = Self.round.due
        let midnight = Date(timeIntervalSince1970: TimeInterval(CivilCalendarSeconds.days(due) * 86_400 - 8 * 3600))
        s.savedAt = midnight.addingTimeInterval(TimeInterval(minutes * 60))
        if rejected {
            s.problems = [Problem(severity: .error, file: file, unit: unit?.id, sheet: nil, cell: nil, rule: .badSignature,
                                  value: "", message: "签名不符。")]
        }
        s.setRows((0..<rows).map { i in
            var v = FieldValues(keys: ["name"])
            v["name"] = .text("行\(i)")
            return CheckedRow(sheet: "ledger", row: 4 + i, values: v, explanation: nil, accepted: i >= errors)
        })
        return s
    }

    func outcome(_ s: Submission) -> FileOutcome {
        FileOutcome(file: s.file, unitId: s.unit?.id, status: s.fileAccepted ? .accepted : .rejected, submission: s)
    }

    // MARK: Listing

    func testListingSortsAndSaysWhatIsNotRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("listing-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("旧文件"), withIntermediateDirectories: true)
        for name in ["b.xlsx", "a.xlsx", "~$a.xlsx", "report.json", "汇总-2021-06.xlsx", ".DS_Store"] {
            XCTAssertTrue(fm.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("x".utf8)))
        }
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("link.xlsx").path, withDestinationPath: "a.xlsx")
        let entries = try RoundListing.list(dir.path)
        XCTAssertEqual(entries.map(\.name), [".DS_Store", "a.xlsx", "b.xlsx", "link.xlsx", "report.json", "~$a.xlsx", "旧文件", "汇总-2021-06.xlsx"])
        let read = entries.filter { $0.skip == nil }.map(\.name)
        XCTAssertEqual(read, ["a.xlsx", "b.xlsx"])
        XCTAssertEqual(entries.first { $0.name == "link.xlsx" }?.skip?.note, "链接文件，出于安全原因未读取")
        XCTAssertEqual(entries.first { $0.name == "旧文件" }?.skip?.note, "子文件夹，未读取（请把文件直接放在报送文件夹中）")
        XCTAssertEqual(entries.first { $0.name == "report.json" }?.skip, .ownOutput)
        XCTAssertEqual(entries.first { $0.name == "~$a.xlsx" }?.skip, .editorLock)
        XCTAssertEqual(entries.first { $0.name == ".DS_Store" }?.skip, .systemFile)
        XCTAssertThrowsError(try RoundListing.list(dir.appendingPathComponent("没有").path))
    }

    func testAFileNameNamesTheLongestUnambiguousUnit() {
        XCTAssertEqual(RoundListing.unitNamed(in: "江岸区报送.xlsx", units: Self.units)?.id, "jiangan")
        XCTAssertEqual(RoundListing.unitNamed(in: "江岸区人民政府-2021-06.xlsx", units: Self.units)?.id, "jiangan")
        XCTAssertNil(RoundListing.unitNamed(in: "报送表.xlsx", units: Self.units))
    }

    /// The plan's names take full-width parentheses; a file named with half-width ones (an old
    /// template's name, a name typed without a Chinese input method) still names its unit.
    func testAFileNamedWithEitherParenthesesNamesItsUnit() {
        XCTAssertEqual(Self.plan.unit("jkq")?.name, "武汉经济技术开发区管委会（汉南区人民政府）")
        for name in ["武汉经济技术开发区管委会（汉南区人民政府）-2021-06.xlsx", "武汉经济技术开发区管委会(汉南区人民政府)-2021-06.xlsx",
                     "武汉经济技术开发区管委会(汉南区人民政府）.xls", "汉南区6月报表.xlsx"] {
            XCTAssertEqual(RoundListing.unitNamed(in: name, units: Self.units)?.id, "jkq", name)
        }
        XCTAssertEqual(RoundListing.unitNamed(in: "武汉临空港经济技术开发区管委会(东西湖区人民政府)-2021-06.xlsx", units: Self.units)?.id, "lkg")
    }

    // MARK: Scheduling

    func testTheScheduleChecksFilesInUnitOrderUnnamedFirst() {
        let names = [templateName(c), "不知是谁.xlsx", templateName(a), "\(b.name)-补报.xlsx", templateName(a) + ".bak.xlsx"]
        let schedule = CheckSchedule(names: names, units: Self.units, round: Self.round)
        XCTAssertEqual(schedule.guesses, [2, -1, 0, 1, 0])
        XCTAssertEqual(schedule.order, [1, 2, 4, 3, 0], "unnamed first, then by unit, then by position")
        XCTAssertEqual(Array(schedule.groupEnd.prefix(4)), [3, 4, 5, 5], "a unit waits for every file up to its own")
        XCTAssertEqual(schedule.groupEnd.last, 5)
        XCTAssertEqual(CheckSchedule(names: [], units: Self.units, round: Self.round).groupEnd, Array(repeating: 0, count: Self.units.count))
    }

    // MARK: Resolving

    func testTheNewestAcceptedFileCounts() {
        let older = submission("江岸区-第一次.xlsx", a, minutes: -900)
        let newer = submission("江岸区-第二次.xlsx", a, minutes: -100)
        let rejectedLater = submission("江岸区-第三次.xlsx", a, minutes: -10, rejected: true)
        var files = [outcome(older), outcome(newer), outcome(rejectedLater)]
        let units = UnitResolver.resolve(&files, units: Self.units, round: Self.round)
        let jiangan = units[0]
        XCTAssertEqual(jiangan.status, .accepted)
        XCTAssertEqual(jiangan.submission?.file, "江岸区-第二次.xlsx")
        XCTAssertEqual(jiangan.superseded, ["江岸区-第一次.xlsx"])
        XCTAssertEqual(jiangan.otherRejected, ["江岸区-第三次.xlsx"])
        XCTAssertFalse(jiangan.late)
        XCTAssertEqual(files.map(\.status), [.superseded, .accepted, .rejected])
        XCTAssertTrue(units.dropFirst().allSatisfy { $0.status == .missing && $0.submission == nil })
    }

    func testRejectedLateUnreadAndAttributedByName() {
        var unknown = submission("江汉区 6月.xlsx", nil, rejected: true)
        unknown.problems[0].unit = nil
        let late = submission(templateName(c), c, minutes: 24 * 60 + 5)
        var unread = FileOutcome(file: templateName(a), unitId: a.id, status: .unreadable, submission: nil)
        unread.note = "办公室无法读取此文件"
        var files = [outcome(unknown), outcome(late), unread]
        let units = UnitResolver.resolve(&files, units: Self.units, round: Self.round)
        let byId = Dictionary(uniqueKeysWithValues: units.map { ($0.unit.id, $0) })
        XCTAssertEqual(files[0].unitId, "jianghan", "a file no content identifies goes to the unit its name names")
        XCTAssertEqual(files[0].note, "无法从文件内容识别单位，按文件名判断为“江汉区人民政府”的报送")
        XCTAssertEqual(files[0].submission?.problems.first?.unit, "jianghan")
        XCTAssertEqual(byId["jianghan"]?.status, .rejected)
        XCTAssertEqual(byId[c.id]?.status, .accepted)
        XCTAssertEqual(byId[c.id]?.late, true, "saved the day after the due date")
        XCTAssertEqual(byId[a.id]?.status, .missing)
        XCTAssertEqual(byId[a.id]?.unreadFiles, [templateName(a)])
        XCTAssertEqual(byId[a.id]!.statusWord, "未处理")
    }

    // MARK: Totals

    func testTotalsAreAddedUpFromUnitsAndFiles() {
        let ok = submission(templateName(a), a, rows: 5, errors: 2)
        let superseded = submission("旧.xlsx", a, minutes: -2000, rows: 7)
        let rejected = submission(templateName(b), b, rejected: true, rows: 4)
        let late = submission(templateName(c), c, minutes: 24 * 60 + 5, rows: 1)
        var files = [outcome(ok), outcome(superseded), outcome(rejected), outcome(late),
                     FileOutcome(file: "x", unitId: Self.units[3].id, status: .unreadable, submission: nil)]
        let units = UnitResolver.resolve(&files, units: Self.units, round: Self.round)
        let t = Totals(units: units, files: files)
        XCTAssertEqual(t.expected, Self.units.count)
        XCTAssertEqual([t.accepted, t.rejected, t.missing, t.late, t.unread], [2, 1, Self.units.count - 3, 1, 1])
        XCTAssertEqual(t.rowsRead, 5 + 4 + 1, "superseded files are not read into the round")
        XCTAssertEqual(t.rowsMerged, 3 + 1)
        XCTAssertEqual(t.rowsRejected, 2 + 4)
    }

    // MARK: The streaming protocol

    /// Files: unnamed (0), A (1), B (2), C (3) in schedule order.
    func streamFixture() -> (CheckSchedule, [String]) {
        let names = ["不知是谁.xlsx", templateName(a), templateName(b), templateName(c)]
        let schedule = CheckSchedule(names: names, units: Array(Self.units.prefix(3)), round: Self.round)
        XCTAssertEqual(schedule.order, [0, 1, 2, 3])
        XCTAssertEqual(schedule.groupEnd, [2, 3, 4])
        return (schedule, names)
    }

    func testUnitsAreStreamedInPlanOrderWhateverOrderFilesFinishIn() throws {
        let (schedule, names) = streamFixture()
        var stream = UnitStream(schedule: schedule, units: Array(Self.units.prefix(3)))
        var sunk: [String] = []
        let sink: UnitStream.Sink = { unit, s in sunk.append("\(unit.id):\(s.file)") }
        let files = [submission(names[0], nil, rejected: true), submission(names[1], a), submission(names[2], b), submission(names[3], c)]
        stream.completed(3, files[3], sink: sink)
        XCTAssertEqual(sunk, [], "C waits for A, B and the unnamed file")
        stream.completed(1, files[1], sink: sink)
        XCTAssertEqual(sunk, [], "A waits for the unnamed file, which might be A's")
        stream.completed(0, files[0], sink: sink)
        XCTAssertEqual(sunk, ["\(a.id):\(names[1])"])
        stream.completed(2, files[2], sink: sink)
        XCTAssertEqual(sunk, ["\(a.id):\(names[1])", "\(b.id):\(names[2])", "\(c.id):\(names[3])"])
        try stream.finish()
        var outcomes = files.map(outcome)
        XCTAssertTrue(stream.held(by: UnitResolver.resolve(&outcomes, units: Array(Self.units.prefix(3)), round: Self.round)))
    }

    func testAFailedGroupStopsTheStreamAndItsErrorIsThrownAtTheEnd() {
        struct DiskFull: Error {}
        let (schedule, names) = streamFixture()
        var stream = UnitStream(schedule: schedule, units: Array(Self.units.prefix(3)))
        var sunk: [String] = []
        let sink: UnitStream.Sink = { unit, _ in
            if unit.id == self.b.id { throw DiskFull() }
            sunk.append(unit.id)
        }
        let files = [submission(names[0], nil, rejected: true), submission(names[1], a), submission(names[2], b), submission(names[3], c)]
        for k in [2, 0, 3, 1] { stream.completed(k, files[k], sink: sink) }
        XCTAssertEqual(sunk, [a.id], "nothing after the failed unit")
        XCTAssertEqual(stream.streamed, [a.id: names[1]])
        XCTAssertThrowsError(try stream.finish()) { XCTAssertTrue($0 is DiskFull) }
    }

    func testAFileOfAnEarlierUnitUnderALaterNameMakesTheStreamFallBack() throws {
        let (schedule, names) = streamFixture()
        let units = Array(Self.units.prefix(3))
        var stream = UnitStream(schedule: schedule, units: units)
        var sunk: [String] = []
        let sink: UnitStream.Sink = { unit, s in sunk.append("\(unit.id):\(s.file)") }
        // A's newer file saved under C's template name: A is streamed with its older file.
        let files = [submission(names[0], nil, rejected: true), submission(names[1], a, minutes: -900),
                     submission(names[2], b), submission(names[3], a, minutes: -100)]
        for k in 0..<4 { stream.completed(k, files[k], sink: sink) }
        try stream.finish()
        XCTAssertEqual(sunk, ["\(a.id):\(names[1])", "\(b.id):\(names[2])"])
        var outcomes = files.map(outcome)
        let resolved = UnitResolver.resolve(&outcomes, units: units, round: Self.round)
        XCTAssertEqual(resolved[0].submission?.file, names[3], "the whole round says A's newer file counts")
        XCTAssertFalse(stream.held(by: resolved), "so the workbook is written again from the result")
    }

    // MARK: The row store

    func testADamagedRowStoreThrowsInsteadOfGivingFewerRows() throws {
        for store in [RowSpill(), RowSpill(directory: "/nonexistent-folder")] {
            var s = submission(templateName(a), a, rows: 20)
            s.spill(to: store)
            XCTAssertEqual(try s.rows(in: store).count, 20)
            XCTAssertThrowsError(try s.rows(in: nil), "stored rows need their store") {
                XCTAssertEqual(($0 as? RowStoreError)?.kind, .otherStore)
            }
            XCTAssertThrowsError(try s.rows(in: RowSpill()), "another store's handle") {
                XCTAssertEqual(($0 as? RowStoreError)?.kind, .otherStore)
            }
            let handle = try XCTUnwrap(Mirror(reflecting: s).children.first { $0.label == "storedRows" }?.value as? RowSpill.Handle)
            store.damage(handle, at: 0, count: 2)
            XCTAssertThrowsError(try s.rows(in: store)) { error in
                XCTAssertEqual((error as? RowStoreError)?.kind, .damaged)
                XCTAssertEqual("\(error)", "汇总过程中暂存已校验数据行的临时文件已损坏，读回的数据与写入的不一致，请检查临时文件夹所在的磁盘后重新汇总")
            }
        }
        // A temporary file cut short: the read fails, it does not come back with what is left.
        let store = RowSpill()
        XCTAssertTrue(store.onDisk)
        var s = submission(templateName(a), a, rows: 20)
        s.spill(to: store)
        store.truncate(to: 10)
        XCTAssertThrowsError(try s.rows(in: store)) { XCTAssertEqual(($0 as? RowStoreError)?.kind, .unreadable(errno: EIO)) }
    }

    func testTheRoundReportIsNotBuiltFromADamagedStore() throws {
        let store = RowSpill()
        var s = submission(templateName(a), a, rows: 3)
        s.spill(to: store)
        let units = Self.units.map { u in
            UnitOutcome(unit: u, status: u.id == a.id ? .accepted : .missing, late: false,
                        submission: u.id == a.id ? s : nil, superseded: [], otherRejected: [])
        }
        let files = [outcome(s)]
        let result = RoundResult(plan: Self.plan, round: Self.round, units: units, files: files,
                                 totals: Totals(units: units, files: files), rowStore: store)
        XCTAssertEqual(try RoundReport(result).figures.ledgers.first?.items, 3)
        store.truncate(to: 0)
        XCTAssertThrowsError(try RoundReport(result)) { XCTAssertTrue($0 is RowStoreError) }
    }
}

/// Days since 1970-01-01 of a civil day (for the fixtures' save times).
enum CivilCalendarSeconds {
    static func days(_ d: Day) -> Int {
        var comps = DateComponents()
        comps.year = d.year; comps.month = d.month; comps.day = d.day
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return Int(cal.date(from: comps)!.timeIntervalSince1970 / 86_400)
    }
}
