import ArgumentParser
import Foundation
import XLSX

/// `tianbao cat FILE [--sheet NAME] [--format json|tsv|csv] [--bom]`: prints a workbook's cells
/// (the JSON shape: docs/interfaces.md), or converts one sheet to CSV.
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "读取任意 .xlsx/.xlsm 并输出其单元格（JSON、TSV 或 CSV）。")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, tsv, csv }

    @Argument(help: "要读取的工作簿文件。")
    var file: String

    @Option(help: "只输出这个工作表。")
    var sheet: String?

    @Option(help: "输出格式：json、tsv 或 csv（CSV 只输出一个工作表：--sheet 指定的，否则第一个）。")
    var format: Format = .json

    @Flag(help: "CSV 以 UTF-8 字节序标记（BOM）开头，Excel 打开时才能正确显示中文。")
    var bom = false

    /// Text starting with = + - @ (or a tab, a carriage return) is written as it is; by default
    /// TSV and CSV give it a leading ' so that a spreadsheet opening the file shows it as text
    /// instead of running it as a formula (`=HYPERLINK(…)`, `=cmd|…`).
    @Flag(help: "TSV/CSV 中以 = + - @ 开头的文本照原样输出（默认在其前加 '，以免 Excel、WPS 打开时把它当作公式执行）。")
    var raw = false

    func run() throws {
        let output = StandardOutput()
        do {
            let workbook = try Workbook(path: file)
            var sheets = workbook.sheets
            if let sheet {
                guard let info = workbook.sheet(named: sheet) else {
                    throw XLSXError(.noSuchSheet(sheet), file: workbook.fileName)
                }
                sheets = [info]
            }
            switch format {
            case .json: try CatRenderer.json(workbook, sheets: sheets, to: output)
            case .tsv: try CatRenderer.tsv(workbook, sheets: sheets, raw: raw, to: output)
            case .csv:
                if sheet == nil && workbook.sheets.count > 1 {
                    printError("注意：工作簿有 \(workbook.sheets.count) 个工作表，CSV 只输出第一个“\(sheets[0].name)”；用 --sheet 选择其他工作表。")
                }
                if let first = sheets.first { try CatRenderer.csv(workbook, sheet: first, bom: bom, raw: raw, to: output) }
            }
            output.flush()
        } catch let error as XLSXError {
            // What was buffered of a file that failed part-way is dropped, not printed.
            printError(userMessage(for: error)!)
            throw CommandExit(error.code == "no-such-sheet" ? .usage : .partial)
        }
    }
}

/// Buffered standard output.
final class StandardOutput: TextSink, @unchecked Sendable {
    private var buffer: [UInt8] = []

    func write(bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
