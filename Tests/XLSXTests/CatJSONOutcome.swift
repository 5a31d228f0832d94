import Foundation
@testable import TianbaoCLI
@testable import XLSX

/// What `cat --json` prints for the file at `path` read with `limits`, or the error's code and
/// message: how the reader's tests compare two ways of reading one file.
func catJSONOutcome(_ path: String, limits: ReadLimits) -> String {
    do {
        let workbook = try Workbook(path: path, limits: limits)
        let sink = StringSink()
        try CatRenderer.json(workbook, sheets: workbook.sheets, to: sink)
        return sink.text
    } catch let error as XLSXError {
        return "error \(error.code): \(error.message)"
    } catch {
        return "error \(error)"
    }
}
