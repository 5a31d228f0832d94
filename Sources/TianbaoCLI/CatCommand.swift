import ArgumentParser
import Foundation
import XLSX

/// `tianbao cat FILE [--sheet NAME] [--format json|tsv]`: prints a workbook's cells (SPEC §6).
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "读取任意 .xlsx/.xlsm 并输出其单元格(JSON 或 TSV)。")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, tsv }

    @Argument(help: "要读取的工作簿文件。")
    var file: String

    @Option(help: "只输出这个工作表。")
    var sheet: String?

    @Option(help: "输出格式:json 或 tsv。")
    var format: Format = .json

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
            case .tsv: try CatRenderer.tsv(workbook, sheets: sheets, to: output)
            }
            output.flush()
        } catch let error as XLSXError {
            // What was buffered of a file that failed part-way is dropped, not printed.
            printError("错误:" + error.message)
            throw CommandExit(error.code == "no-such-sheet" ? .usage : .partial)
        }
    }
}

/// Buffered standard output.
final class StandardOutput: TextSink, @unchecked Sendable {
    private var buffer: [UInt8] = []

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
