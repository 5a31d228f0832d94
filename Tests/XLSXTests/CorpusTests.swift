import Foundation
import XCTest
@testable import TianbaoCLI
@testable import XLSX

/// Every workbook of the public corpus (copied into Fixtures/corpus with its MANIFEST and
/// LICENSES) read by Tianbao and compared, cell by cell, with the expected JSON written by
/// `make_expected.py` from independent readers (openpyxl, python-calamine).
final class CorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/corpus")

    /// (file, expected error code) for the files that must be refused.
    static func expectedErrors() throws -> [String: String] {
        let text = try String(contentsOf: corpus.appendingPathComponent("expected-errors.tsv"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 2 { result[String(fields[0])] = String(fields[1]) }
        }
        return result
    }

    static func manifestFiles() throws -> [String] {
        let text = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map {
            String($0.split(separator: "\t")[0].split(separator: "/").last!)
        }
    }

    /// The expected JSON of a file: `expected/<file>.json`, or for large ones the same inside
    /// `expected/<file>.json.zip` (read with the reader's own ZipArchive).
    static func expectedData(_ file: String) throws -> Data {
        let url = corpus.appendingPathComponent("expected/\(file).json")
        if FileManager.default.fileExists(atPath: url.path) { return try Data(contentsOf: url) }
        let archive = try ZipArchive(path: url.path + ".zip", displayName: file, limits: .standard)
        return Data(try archive.readAll(archive.entry(named: "\(file).json")!))
    }

    func testEveryCorpusFileIsCovered() throws {
        let files = try Self.manifestFiles()
        XCTAssertEqual(files.count, 120)
        let errors = try Self.expectedErrors()
        for file in files {
            let expected = Self.corpus.appendingPathComponent("expected/\(file).json")
            XCTAssertTrue(errors[file] != nil || FileManager.default.fileExists(atPath: expected.path)
                          || FileManager.default.fileExists(atPath: expected.path + ".zip"),
                          "\(file) has neither an expected JSON nor an expected error")
        }
    }

    func testKnownBadFilesFailWithTheirTypedError() throws {
        for (file, code) in try Self.expectedErrors() {
            let path = Self.corpus.appendingPathComponent("xlsx/\(file)").path
            XCTAssertThrowsError(try Workbook(path: path), file) { error in
                guard let error = error as? XLSXError else { return XCTFail("\(file): \(error)") }
                XCTAssertEqual(error.code, code, file)
                XCTAssertTrue(error.message.contains(file), "message names the file: \(error.message)")
            }
        }
    }

    func testReadableFilesMatchIndependentReaders() throws {
        let errors = try Self.expectedErrors()
        var failures: [String] = []
        var compared = 0
        for file in try Self.manifestFiles() where errors[file] == nil {
            let expected = try JSONSerialization.jsonObject(with: Self.expectedData(file)) as! [String: Any]
            let sink = StringSink()
            do {
                let workbook = try Workbook(path: Self.corpus.appendingPathComponent("xlsx/\(file)").path)
                try CatRenderer.json(workbook, sheets: workbook.sheets, to: sink)
            } catch {
                failures.append("\(file): \(error)")
                continue
            }
            let actual = try JSONSerialization.jsonObject(with: Data(sink.text.utf8)) as! [String: Any]
            failures += JSONCompare.differences(expected: expected, actual: actual).map { "\(file): \($0)" }
            compared += 1
        }
        XCTAssertEqual(compared, 113)
        XCTAssert(failures.isEmpty, "\(failures.count) differences:\n" + failures.prefix(60).joined(separator: "\n"))
    }
}

/// Compares two `cat` documents: sheets in order, cells in order, merged ranges as a set.
enum JSONCompare {
    static func differences(expected: [String: Any], actual: [String: Any]) -> [String] {
        let es = expected["sheets"] as? [[String: Any]] ?? []
        let acts = actual["sheets"] as? [[String: Any]] ?? []
        var out: [String] = []
        if es.map({ $0["name"] as? String ?? "" }) != acts.map({ $0["name"] as? String ?? "" }) {
            return ["sheets \(es.map { $0["name"] ?? "" }) ≠ \(acts.map { $0["name"] ?? "" })"]
        }
        for (e, a) in zip(es, acts) {
            let name = e["name"] as? String ?? ""
            for key in ["state", "kind"] where (e[key] as? String) != (a[key] as? String) {
                out.append("\(name) \(key): \(e[key] ?? "nil") ≠ \(a[key] ?? "nil")")
            }
            let em = Set(e["merged"] as? [String] ?? []), am = Set(a["merged"] as? [String] ?? [])
            if em != am { out.append("\(name) merged: \(em.sorted()) ≠ \(am.sorted())") }
            let ec = e["cells"] as? [[String: Any]] ?? [], ac = a["cells"] as? [[String: Any]] ?? []
            var ai = 0, ei = 0
            while ei < ec.count || ai < ac.count {
                let er = ei < ec.count ? ec[ei]["ref"] as? String : nil
                let ar = ai < ac.count ? ac[ai]["ref"] as? String : nil
                if er == ar {
                    if let diff = cellDifference(ec[ei], ac[ai]) { out.append("\(name)!\(er!): \(diff)") }
                    ei += 1; ai += 1
                } else if let er, ar == nil || !ac.contains(where: { $0["ref"] as? String == er }) {
                    out.append("\(name)!\(er): missing, expected \(describe(ec[ei]))"); ei += 1
                } else {
                    out.append("\(name)!\(ar!): unexpected \(describe(ac[ai]))"); ai += 1
                }
            }
        }
        return out
    }

    static func describe(_ c: [String: Any]) -> String {
        "t=\(c["t"] ?? "-") v=\(c["v"].map { "\($0)" } ?? "-") f=\(c["f"] ?? "-")"
    }

    static func cellDifference(_ e: [String: Any], _ a: [String: Any]) -> String? {
        let same: Bool
        if (e["t"] as? String) != (a["t"] as? String) || (e["f"] as? String) != (a["f"] as? String) {
            same = false
        } else if let en = e["v"] as? NSNumber, let an = a["v"] as? NSNumber {
            same = en.doubleValue == an.doubleValue
        } else {
            same = (e["v"] as? String) == (a["v"] as? String) && (e["v"] == nil) == (a["v"] == nil)
        }
        return same ? nil : "expected \(describe(e)), got \(describe(a))"
    }
}
