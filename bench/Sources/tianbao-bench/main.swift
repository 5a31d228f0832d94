// The benchmark driver for Tianbao's XLSX reader and writer (bench/, `make bench`).
//   tianbao-bench read FILE       reads every cell of every sheet through the reader API and
//                                 prints the checksum every peer prints
//   tianbao-bench read-1 FILE     the same on one thread (no reading ahead)
//   tianbao-bench read-folder DIR [COLUMNS]
//                                 reads every workbook of a folder on all cores (only the
//                                 cells up to COLUMNS when given)
//   tianbao-bench write OUT ROWS  writes the R1 content with Tianbao's writer
//   tianbao-bench hash DIR        SHA-256 of every file of a folder with swift-crypto (as merge)
//   tianbao-bench hash-before DIR the same with the hand-written SHA-256 Tianbao used before
import Crypto
import Foundation
import XLSX

/// cells: non-empty values; numbers: sum of numeric values (not dates, not booleans);
/// dates: count of date cells; chars: total length of the strings in Unicode scalars.
struct Checksum {
    var cells = 0, dates = 0, chars = 0
    var numbers = 0.0

    mutating func add(_ value: CellValue) {
        cells += 1
        switch value {
        case .number(let n): numbers += n
        case .date: dates += 1
        case .string(let s): chars += Self.scalarCount(s)
        case .bool, .error: break
        }
    }

    /// Unicode scalars in `s`: its UTF-8 bytes that do not continue a sequence (Python's
    /// len() of the same text), counted over the contiguous bytes in one pass.
    static func scalarCount(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { bytes in
            var n = 0
            for b in bytes where b & 0xC0 != 0x80 { n += 1 }
            return n
        }
    }

    var json: String {
        "{\"cells\":\(cells),\"numbers\":\(String(format: "%.2f", numbers)),\"dates\":\(dates),\"chars\":\(chars)}"
    }
}

/// Reads every workbook of a folder on all cores (as merge does), for the M1 time split; with
/// `columns`, only the cells up to that column (as the checker reads a template's sheets,
/// leaving out the 自查 formula columns).
func readFolder(_ dir: String, columns: Int? = nil) throws {
    // Every core reads a file, so no file is read ahead on more threads (as in merge).
    let limits = ReadLimits.standard.readingOnOneThread
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".xlsx") }.sorted()
    let lock = NSLock()
    nonisolated(unsafe) var total = Checksum()
    DispatchQueue.concurrentPerform(iterations: names.count) { i in
        var sum = Checksum()
        if let wb = try? Workbook(path: (dir as NSString).appendingPathComponent(names[i]), limits: limits) {
            for sheet in wb.sheets {
                guard let rows = try? wb.rows(of: sheet, columns: columns) else { continue }
                while let row = try? rows.next() { for cell in row.cells { if let v = cell.value { sum.add(v) } } }
            }
        }
        lock.lock()
        total.cells += sum.cells; total.dates += sum.dates; total.chars += sum.chars; total.numbers += sum.numbers
        lock.unlock()
    }
    print(total.json)
}

func read(_ path: String, readAhead: Bool = true) throws {
    let limits = readAhead ? ReadLimits.standard : ReadLimits.standard.readingOnOneThread
    let wb = try Workbook(path: path, limits: limits)
    var sum = Checksum()
    for sheet in wb.sheets {
        let rows = try wb.rows(of: sheet)
        while let row = try rows.next() {
            for i in row.cells.indices { if let v = row.cells[i].value { sum.add(v) } }
        }
    }
    print(sum.json)
}

/// The R1 content, row by row; the same formulas as bench/make_workloads.py and bench/c.
enum R1 {
    static let districts = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "洪山区", "青山区", "蔡甸区", "江夏区", "黄陂区",
                            "新洲区", "东湖高新区", "经开区", "临空港", "东湖风景区"]
    static let statuses = ["未开工", "在建", "已完工"]
    static let headers = ["小区名称", "所在区", "开工日期", "户数", "计划投资", "状态", "备注", "完成率", "加装电梯", "楼栋数", "完工日期", "合计"]
}

func write(_ path: String, rows: Int) throws {
    let book = try WorkbookWriter(path: path)
    let ws = try book.addSheet("小区台账")
    let date = book.prepare(CellFormat().with { $0.numberFormat = "yyyy-mm-dd" })
    let pct = book.prepare(CellFormat().with { $0.numberFormat = "0.0%" })
    let money = book.prepare(CellFormat().with { $0.numberFormat = "0.00" })
    for (c, h) in R1.headers.enumerated() { try ws.write(0, c, h) }
    for i in 1...rows {
        let households = Double(100 + i % 900), buildings = Double(1 + i % 30)
        try ws.write(i, 0, "和平社区\(i % 5000)号")
        try ws.write(i, 1, R1.districts[i % 15])
        try ws.write(i, 2, 43831.0 + Double(i % 700), date)
        try ws.write(i, 3, households)
        try ws.write(i, 4, Double(i % 100000) / 100 + 0.25, money)
        try ws.write(i, 5, R1.statuses[i % 3])
        try ws.write(i, 6, "第\(i % 200)批改造项目,含雨污分流")
        try ws.write(i, 7, Double(i % 101) / 100, pct)
        try ws.write(i, 8, i % 2 == 0)
        try ws.write(i, 9, buildings)
        try ws.write(i, 10, 44197.0 + Double(i % 365), date)
        try ws.formula(i, 11, "D\(i + 1)+J\(i + 1)", result: .number(households + buildings))
    }
    try book.close()
}

/// Hashes every file of a folder on all cores, as merge does for report.json; prints a digest
/// of the digests so that both implementations can be compared.
func hashFolder(_ dir: String, before: Bool) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    let lock = NSLock()
    nonisolated(unsafe) var digests = [String](repeating: "", count: names.count)
    DispatchQueue.concurrentPerform(iterations: names.count) { i in
        let path = (dir as NSString).appendingPathComponent(names[i])
        let hex: String
        if before {
            hex = HandWrittenSHA256.hexOfFile(path) ?? ""
        } else {
            var hasher = SHA256()
            if let handle = FileHandle(forReadingAtPath: path) {
                while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
                try? handle.close()
            }
            hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
        lock.lock(); digests[i] = hex; lock.unlock()
    }
    let all = SHA256.hash(data: Data(digests.joined(separator: "\n").utf8))
    print("{\"files\":\(names.count),\"digest\":\"\(all.map { String(format: "%02x", $0) }.joined().prefix(16))\"}")
}

Allocator.keepFreedMemoryForReuse()  // as the tianbao executable does
let args = CommandLine.arguments
do {
    switch args.count > 1 ? args[1] : "" {
    case "read" where args.count == 3: try read(args[2])
    case "read-1" where args.count == 3: try read(args[2], readAhead: false)
    case "read-folder" where args.count == 3: try readFolder(args[2])
    case "read-folder" where args.count == 4: try readFolder(args[2], columns: Int(args[3]))
    case "write" where args.count == 4: try write(args[2], rows: Int(args[3]) ?? 100_000)
    case "hash" where args.count == 3: try hashFolder(args[2], before: false)
    case "hash-before" where args.count == 3: try hashFolder(args[2], before: true)
    default:
        FileHandle.standardError.write(Data("usage: tianbao-bench read FILE | read-1 FILE | read-folder DIR [COLUMNS] | write OUT ROWS | hash DIR | hash-before DIR\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
