import Foundation
import XCTest
import TestSupport
import TianbaoPlan
@testable import TianbaoTemplates
@testable import XLSX

/// The package's root folder.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

final class TemplateTests: XCTestCase {
    static let plan = PlanLoader.defaultPlan()
    static let key = SigningKey(bytes: Array("tianbao-demo-key-not-for-real-us".utf8))
    static let round = plan.round("2021-06")!

    /// Templates of round 2021-06 for every unit, written once per test run (`SharedFixture`:
    /// the template and self-check tests in other processes read the same files, never change them).
    static let folder: URL = try! SharedFixture.folder("templates-2021-06") { dir in
        let writer = TemplateWriter(plan: plan, key: key)
        for unit in plan.units(in: round) {
            try writer.write(unit: unit, round: round, to: dir.appendingPathComponent(TemplateLayout.fileName(unit: unit, round: round)).path)
        }
    }

    func path(_ unitId: String) -> String {
        Self.folder.appendingPathComponent(TemplateLayout.fileName(unit: Self.plan.unit(unitId)!, round: Self.round)).path
    }

    /// The XML text of a part of a template.
    func part(_ unitId: String, _ name: String) throws -> String {
        let archive = try ZipArchive(path: path(unitId), displayName: "t", limits: .standard)
        return String(decoding: try archive.readAll(archive.entry(named: name)!), as: UTF8.self)
    }

    func testOneTemplatePerUnit() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
        XCTAssertEqual(files.count, 41)
        XCTAssertTrue(files.contains("江岸区人民政府-2021-06.xlsx"))
        XCTAssertTrue(files.contains("武汉经济技术开发区管委会（汉南区人民政府）-2021-06.xlsx"))
    }

    func testSheetsPerUnitKind() throws {
        let district = try Workbook(path: path("jiangan"))
        XCTAssertEqual(district.sheets.map(\.name), ["填报说明", "任务进展", "量化指标", "小区台账", "宣传信息", "联络员", "工作小结", "字典", "_tianbao"])
        XCTAssertEqual(district.sheets.map(\.state), [.visible, .visible, .visible, .visible, .visible, .visible, .visible, .hidden, .hidden])
        let department = try Workbook(path: path("jyj"))
        XCTAssertEqual(department.sheets.map(\.name), ["填报说明", "任务进展", "量化指标", "宣传信息", "联络员", "工作小结", "字典", "_tianbao"])
        let zone = try Workbook(path: path("dhfjq"))
        XCTAssertTrue(zone.sheets.contains { $0.name == "小区台账" }, "scenic-area committee is district-level")
    }

    func testPrefilledTaskRows() throws {
        let wb = try Workbook(path: path("jiangan"))
        let ws = try wb.read(wb.sheet(named: "任务进展")!)
        XCTAssertEqual(ws["A3"]?.value, .string("任务编号"))
        XCTAssertEqual(ws["F3"]?.value, .string("*进展状态"))
        XCTAssertEqual(ws["M3"]?.value, .string("说明"))
        let ids = (4..<15).map { ws["A\($0)"]?.value?.text }
        XCTAssertEqual(ids, ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"])
        XCTAssertNil(ws["A15"])
        XCTAssertEqual(ws["D4"]?.value, .string("责任"))
        XCTAssertEqual(ws["D6"]?.value, .string("牵头"), "1.3 is led by the districts")
        XCTAssertEqual(ws["E4"]?.value, .string("市住房保障房管局"))
        XCTAssertEqual(ws["E6"]?.value, .string("各区人民政府"))
        XCTAssertEqual(ws["B4"]?.value, .string("（一）形成共识统筹推动"))
        XCTAssertTrue(ws["C4"]?.value?.text.hasPrefix("优化顶层设计：充分发挥市、区老旧小区改造指挥部的统筹协调作用，") ?? false)
        XCTAssertNil(ws["F4"], "input cells are empty")

        let dept = try Workbook(path: path("jyj"))
        let deptRows = try dept.read(dept.sheet(named: "任务进展")!)
        XCTAssertEqual((4..<7).map { deptRows["A\($0)"]?.value?.text }, ["1.1", "2.2", "3.2"])
        XCTAssertNil(deptRows["A7"])
    }

    func testIdentificationAndSignature() throws {
        let wb = try Workbook(path: path("jiangan"))
        let props = wb.properties.custom
        XCTAssertEqual(props["tianbao.plan"], "cppcc-13-5-proposal-2")
        XCTAssertEqual(props["tianbao.plan_version"], "2021.2")
        XCTAssertEqual(props["tianbao.unit"], "jiangan")
        XCTAssertEqual(props["tianbao.round"], "2021-06")
        let expected = TemplateContent.identity(plan: Self.plan, unit: Self.plan.unit("jiangan")!, round: Self.round, key: Self.key)
        XCTAssertEqual(props["tianbao.signature"], expected.signature)
        XCTAssertEqual(expected.signature.count, 64)
        let idSheet = try wb.read(wb.sheet(named: "_tianbao")!)
        XCTAssertEqual(idSheet["A3"]?.value, .string("unit"))
        XCTAssertEqual(idSheet["B3"]?.value, .string("jiangan"))
        XCTAssertEqual(idSheet["B6"]?.value, .string(expected.signature))

        // Another unit, another round or another key gives another signature.
        let other = TemplateContent.identity(plan: Self.plan, unit: Self.plan.unit("jianghan")!, round: Self.round, key: Self.key)
        let otherRound = TemplateContent.identity(plan: Self.plan, unit: Self.plan.unit("jiangan")!, round: Self.plan.round("2021-07")!, key: Self.key)
        let otherKey = TemplateContent.identity(plan: Self.plan, unit: Self.plan.unit("jiangan")!, round: Self.round,
                                                key: SigningKey(bytes: Array("another".utf8)))
        XCTAssertEqual(Set([expected.signature, other.signature, otherRound.signature, otherKey.signature]).count, 4)
    }

    func testDataValidationsFromTheSheetXML() throws {
        // 任务进展 is sheet2: status dropdown from 字典, percent bounds, date bounds, input hints.
        let xml = try part("jiangan", "xl/worksheets/sheet2.xml")
        XCTAssertTrue(xml.contains("<dataValidation type=\"list\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" "
                                   + "errorTitle=\"请从列表选择\" error=\"只能选择：未启动、推进中、已完成、滞后。\" promptTitle=\"进展状态（必填）\" "
                                   + "prompt=\"请从下拉列表选择：未启动、推进中、已完成、滞后。\" sqref=\"F4:F14\"><formula1>字典!$C$2:$C$5</formula1>"))
        XCTAssertTrue(xml.contains("<dataValidation type=\"decimal\""))
        XCTAssertTrue(xml.contains("sqref=\"G4:G14\"><formula1>0</formula1><formula2>100</formula2>"))
        XCTAssertTrue(xml.contains("<dataValidation type=\"date\""))
        XCTAssertTrue(xml.contains("sqref=\"L4:L14\"><formula1>44197</formula1><formula2>46022</formula2>"), "2021-01-01 … 2025-12-31")
        let lists = try Workbook(path: path("jiangan"))
        let dict = try lists.read(lists.sheet(named: "字典")!)
        XCTAssertEqual((2...5).map { dict["C\($0)"]?.value?.text }, ["未启动", "推进中", "已完成", "滞后"])
        // 小区台账 (sheet4): nil-return dropdown at D2 and 300 input rows.
        let ledger = try part("jiangan", "xl/worksheets/sheet4.xml")
        XCTAssertTrue(ledger.contains("sqref=\"D2\"><formula1>字典!$B$2:$B$2</formula1>"), ledger.prefix(3000).description)
        XCTAssertTrue(ledger.contains("sqref=\"G4:G303\""), "改造类型 over 300 rows")
        XCTAssertTrue(ledger.contains("sqref=\"C4:C303\"><formula1>1949</formula1><formula2>2021</formula2>"))
    }

    func testProtectionAndLockedCells() throws {
        let sheet = try part("jiangan", "xl/worksheets/sheet2.xml")
        XCTAssertTrue(sheet.contains("<sheetProtection sheet=\"1\" objects=\"1\" scenarios=\"1\" formatColumns=\"0\" formatRows=\"0\" sort=\"0\" autoFilter=\"0\"/>"),
                      String(sheet.suffix(1500)))
        XCTAssertFalse(sheet.contains("password"), "no password: units can see how it works")
        XCTAssertTrue(sheet.contains("<pane xSplit=\"1\" ySplit=\"3\" topLeftCell=\"B4\" activePane=\"bottomRight\" state=\"frozen\"/>"),
                      "frozen headers")
        let styles = try part("jiangan", "xl/styles.xml")
        XCTAssertTrue(styles.contains("<protection locked=\"0\"/>"), "input cells are unlocked")
        // Input cells (F4) use an unlocked style; pre-filled ones (A4) a locked one.
        func style(_ ref: String) -> Int? {
            guard let r = sheet.range(of: "<c r=\"\(ref)\" s=\"") else { return nil }
            return Int(sheet[r.upperBound...].prefix { $0.isNumber })
        }
        let xfs = styles.components(separatedBy: "<cellXfs")[1].components(separatedBy: "</cellXfs>")[0]
            .components(separatedBy: "<xf ").dropFirst().map { $0 }
        XCTAssertFalse(xfs[try XCTUnwrap(style("A4"))].contains("locked=\"0\""))
        XCTAssertTrue(xfs[try XCTUnwrap(style("F4"))].contains("locked=\"0\""))
        XCTAssertTrue(xfs[try XCTUnwrap(style("M14"))].contains("locked=\"0\""), "说明 is an input column")
    }

    func testDeterministicOutput() throws {
        let dir = temporaryDirectory("again")
        let unit = Self.plan.unit("jiangan")!
        let again = dir.appendingPathComponent("a.xlsx").path
        try TemplateWriter(plan: Self.plan, key: Self.key).write(unit: unit, round: Self.round, to: again)
        XCTAssertEqual(FileManager.default.contents(atPath: again), FileManager.default.contents(atPath: path("jiangan")))
    }

    func testCommittedTemplatesAreUpToDate() throws {
        let committed = packageRoot.appendingPathComponent("templates/2021-06")
        let files = try FileManager.default.contentsOfDirectory(atPath: committed.path).filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertEqual(files.count, 41, "run `make templates`")
        let key = try SigningKey.load(path: packageRoot.appendingPathComponent("keys/demo-signing.key").path)
        XCTAssertEqual(key.bytes, Self.key.bytes)
        for file in files {
            XCTAssertEqual(FileManager.default.contents(atPath: committed.appendingPathComponent(file).path),
                           FileManager.default.contents(atPath: Self.folder.appendingPathComponent(file).path),
                           "\(file) is out of date: run `make templates`")
        }
    }

    /// A key file that cannot be used is said precisely, each case with its parts, in one
    /// place: a folder, an empty file, bytes that are not text, text that is not a key.
    func testKeyFileProblemsAreTypedAndSaidOnce() throws {
        let dir = temporaryDirectory("key-problems").path
        XCTAssertNil(SigningKey.problem(at: dir + "/none.key"))
        XCTAssertEqual(SigningKey.problem(at: dir), .isFolder(path: dir))
        XCTAssertEqual(KeyError.isFolder(path: dir).message, "签名密钥“\(dir)”是一个文件夹，不是密钥文件。请用 --key 指定密钥文件本身。")
        let empty = dir + "/empty.key", binary = dir + "/binary.key", text = dir + "/text.key", good = dir + "/good.key"
        FileManager.default.createFile(atPath: empty, contents: Data())
        FileManager.default.createFile(atPath: binary, contents: Data([0xff, 0xfe, 0x00]))
        try "办公室电话\n".write(toFile: text, atomically: true, encoding: .utf8)
        try (String(repeating: "ab", count: 32) + "\n").write(toFile: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(SigningKey.problem(at: empty), .notAKey(path: empty, content: .empty))
        XCTAssertEqual(SigningKey.problem(at: binary), .notAKey(path: binary, content: .binary(bytes: 3)))
        XCTAssertEqual(SigningKey.problem(at: text), .notAKey(path: text, content: .otherText))
        XCTAssertNil(SigningKey.problem(at: good))
        XCTAssertEqual(KeyError.notAKey(path: binary, content: .binary(bytes: 3)).message,
                       "“\(binary)”不是有效的签名密钥文件（不是文本文件，共 3 字节）：密钥文件只含 64 个十六进制字符，由 tianbao templates 首次运行时生成。"
                           + "请用 --key 指定办公室的密钥文件。")
        XCTAssertThrowsError(try SigningKey.load(path: dir + "/none.key")) {
            XCTAssertEqual($0 as? KeyError, .notFound(path: dir + "/none.key"))
            XCTAssertEqual(($0 as? KeyError)?.message, "找不到签名密钥文件“\(dir)/none.key”。请用 --key 指定办公室的密钥文件。")
        }
        XCTAssertThrowsError(try SigningKey.load(path: text)) { XCTAssertEqual($0 as? KeyError, .malformed(path: text)) }
    }
}

/// What TemplateRoundTripTests reads, made once per process on first use: 江岸区's template
/// filled and saved by openpyxl, then every template and that file (when openpyxl saved it)
/// converted by one LibreOffice run (its start costs as much as a few files).
struct TemplateRoundTripWorkbooks: Sendable {
    /// Every template of the round, and the filled copy.
    var templates: [String], filled: String
    /// openpyxl's run (its version is the last line of the log) and LibreOffice's.
    var pythonStatus: Int32, pythonLog: String, libreOfficeStatus: Int32, libreOfficeLog: String
    /// The folder of what LibreOffice saved, under the same names.
    var out: URL

    private static let result = Result { try TemplateRoundTripWorkbooks() }
    /// The workbooks (made on first use); throws what making them threw.
    static func made() throws -> TemplateRoundTripWorkbooks { try result.get() }

    private init() throws {
        templates = try FileManager.default.contentsOfDirectory(atPath: TemplateTests.folder.path).filter { $0.hasSuffix(".xlsx") }
            .sorted().map { TemplateTests.folder.appendingPathComponent($0).path }
        let dir = temporaryDirectory("fill")
        let source = TemplateTests.folder.appendingPathComponent("江岸区人民政府-2021-06.xlsx").path
        filled = dir.appendingPathComponent("filled.xlsx").path
        let script = """
            import sys, datetime, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb["任务进展"]
            ws["F4"] = "推进中"; ws["G4"] = 60; ws["H4"] = "已完成实施意见初稿"; ws["L4"] = datetime.date(2021, 9, 30)
            ld = wb["小区台账"]
            ld["A4"] = "大智路社区"; ld["C4"] = 1995; ld["T4"] = "已完工"
            li = wb["联络员"]
            li["A4"] = "王明"; li["D4"] = "13800000000"
            wb.save(sys.argv[2])
            print(openpyxl.__version__)
            """
        (pythonStatus, pythonLog) = try runProcess(testPython, ["-c", script, source, filled])
        out = temporaryDirectory("lo-saved")
        let profile = temporaryDirectory("lo-profile")
        (libreOfficeStatus, libreOfficeLog) = try runProcess("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless",
                                                                         "--convert-to", "xlsx", "--outdir", out.path]
                                                             + templates + (pythonStatus == 0 ? [filled] : []))
    }
}

/// Templates opened, filled and saved by the programs units use.
final class TemplateRoundTripTests: XCTestCase {
    func testEveryTemplateOpensInLibreOffice() throws {
        let made = try TemplateRoundTripWorkbooks.made()
        let out = made.out, log = made.libreOfficeLog
        let files = made.templates.map { ($0 as NSString).lastPathComponent }
        XCTAssertEqual(made.libreOfficeStatus, 0, log)
        XCTAssertEqual(files.count, 41)
        let converted = files.filter { FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path) }
        XCTAssertEqual(converted.count, files.count, log)
        // What LibreOffice saved still identifies its unit and keeps the pre-filled rows.
        for file in converted {
            let wb = try Workbook(path: out.appendingPathComponent(file).path)
            let unit = TemplateTests.plan.units.first { file.hasPrefix($0.name + "-") }!
            XCTAssertEqual(wb.properties.custom["tianbao.unit"], unit.id, file)
            XCTAssertEqual(wb.properties.custom["tianbao.round"], "2021-06", file)
            let ws = try wb.read(wb.sheet(named: "任务进展")!)
            XCTAssertEqual(ws["A4"]?.value?.text, TemplateTests.plan.tasks(for: unit.id).first?.task.id, file)
        }
    }

    func testFilledWithOpenpyxlThenSavedByLibreOffice() throws {
        let made = try TemplateRoundTripWorkbooks.made()
        let filled = made.filled, out = made.out
        let (status, log) = (made.pythonStatus, made.pythonLog)
        XCTAssertEqual(status, 0, log)
        // openpyxl before 3.1 (Debian 12 ships 3.0.9) drops custom document properties on save;
        // the hidden _tianbao sheet still identifies the file (checked below for every file).
        let keepsCustomProperties = log.split(separator: "\n").last.map { $0.compare("3.1", options: .numeric) != .orderedAscending } ?? true
        XCTAssertEqual(made.libreOfficeStatus, 0, made.libreOfficeLog)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("filled.xlsx").path), made.libreOfficeLog)

        for path in [filled, out.appendingPathComponent("filled.xlsx").path] {
            let wb = try Workbook(path: path)
            let signature = TemplateContent.identity(plan: TemplateTests.plan, unit: TemplateTests.plan.unit("jiangan")!,
                                                     round: TemplateTests.round, key: TemplateTests.key).signature
            // Where openpyxl keeps custom document properties (3.1 and later) they must match;
            // the checker reads the copy on the hidden _tianbao sheet either way.
            if keepsCustomProperties {
                XCTAssertEqual(wb.properties.custom["tianbao.unit"], "jiangan", path)
                XCTAssertEqual(wb.properties.custom["tianbao.signature"], signature, path)
            }
            XCTAssertEqual(try wb.read(wb.sheet(named: "_tianbao")!)["B6"]?.value, .string(signature), path)
            let ws = try wb.read(wb.sheet(named: "任务进展")!)
            XCTAssertEqual(ws["F4"]?.value, .string("推进中"), path)
            XCTAssertEqual(ws["G4"]?.value, .number(60), path)
            XCTAssertEqual(ws["L4"]?.value?.text.prefix(10), "2021-09-30", path)
            XCTAssertEqual(ws["A4"]?.value, .string("1.1"), path)
            let ledger = try wb.read(wb.sheet(named: "小区台账")!)
            XCTAssertEqual(ledger["A4"]?.value, .string("大智路社区"), path)
            let liaison = try wb.read(wb.sheet(named: "联络员")!)
            XCTAssertEqual(liaison["D4"]?.value, .string("13800000000"), path)
            let id = try wb.read(wb.sheet(named: "_tianbao")!)
            XCTAssertEqual(id["B3"]?.value, .string("jiangan"), path)
        }
    }
}
