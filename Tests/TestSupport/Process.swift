import Foundation

// Helpers shared by the test targets: running the programs users use (LibreOffice, Python) and
// making scratch folders.

/// Runs a program found on PATH and returns its status and combined output; a program still
/// running after `timeout` seconds is stopped.
public func runProcess(_ executable: String, _ arguments: [String], timeout: TimeInterval = 300) throws -> (Int32, String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-run-\(UUID().uuidString).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    try? handle.close()
    let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    return (process.terminationStatus, output)
}

/// The Python the tests run openpyxl with: `$TIANBAO_TEST_PYTHON` when set, else the system's
/// own `/usr/bin/python3` (Debian's `python3-openpyxl`, which `make test` installs), else
/// whatever `python3` is first on PATH. Never a pip install into the system Python (PEP 668).
public let testPython: String = {
    if let chosen = ProcessInfo.processInfo.environment["TIANBAO_TEST_PYTHON"], !chosen.isEmpty { return chosen }
    return FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
}()

/// A new, empty scratch folder.
public func temporaryDirectory(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program found on PATH, returning its status and combined output.
public func runCommand(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    try runProcess(executable, arguments)
}

/// A helper program that ended with a status other than 0: its status and output.
public struct ProcessFailure: Error, CustomStringConvertible {
    public var status: Int32
    public var output: String
    public var description: String { "status \(status): \(output)" }
}

/// Runs a Python script with `testPython` and returns its standard output; throws (failing the
/// test) when the script fails.
public func runPython(_ script: String, _ arguments: [String]) throws -> String {
    let (status, out) = try runCommand(testPython, ["-c", script] + arguments)
    guard status == 0 else { throw ProcessFailure(status: status, output: out) }
    return out
}

/// One part of a package, through the system's unzip (an independent reader); throws when
/// unzip fails.
public func unzip(wb path: String, part: String) throws -> Data {
    let (status, out) = try runCommand("unzip", ["-p", path, part])
    guard status == 0 else { throw ProcessFailure(status: status, output: out) }
    return Data(out.utf8)
}

/// One sheet's rows as openpyxl reads them (cached values): every cell as text, whole numbers
/// without ".0", dates as yyyy-mm-dd, empty cells as "".
public func sheetTexts(_ path: URL, _ sheet: String) throws -> [[String]] {
    try openpyxlTexts(path, formulas: false, sheet: sheet)[sheet]!
}

/// Every sheet of a workbook by name, its rows read as `sheetTexts` reads them; `formulas`: a
/// formula cell gives its formula (`=SUM(B4:B9)`) instead of its cached value.
public func workbookTexts(_ path: URL, formulas: Bool = false) throws -> [String: [[String]]] {
    try openpyxlTexts(path, formulas: formulas, sheet: nil)
}

private func openpyxlTexts(_ path: URL, formulas: Bool, sheet: String?) throws -> [String: [[String]]] {
    let script = """
        import openpyxl, sys, json, datetime
        wb = openpyxl.load_workbook(sys.argv[1], data_only=sys.argv[2] == 'values')
        out = {}
        for ws in ([wb[sys.argv[3]]] if len(sys.argv) > 3 else wb.worksheets):
            rows = []
            for row in ws.iter_rows(values_only=True):
                cells = []
                for v in row:
                    if v is None: cells.append('')
                    elif isinstance(v, float) and v == int(v): cells.append(str(int(v)))
                    elif isinstance(v, datetime.datetime): cells.append(v.date().isoformat())
                    else: cells.append(str(v))
                rows.append(cells)
            out[ws.title] = rows
        print(json.dumps(out, ensure_ascii=False))
        """
    let output = try runPython(script, [path.path, formulas ? "formulas" : "values"] + (sheet.map { [$0] } ?? []))
    return try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [[String]]]
}

/// LibreOffice as a unit's client: converts copies of `paths` (xlsx → xlsx) with a profile that
/// recalculates every formula on loading (LibreOffice's default never recalculates an xlsx it
/// did not write, which is what the cached results are for). Returns the converted paths by
/// input path; throws when LibreOffice fails or leaves one out.
public func recalculateWithLibreOffice(_ paths: [String]) throws -> [String: String] {
    let profile = temporaryDirectory("lo-recalc-profile")
    let user = profile.appendingPathComponent("user")
    try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
    try """
        <?xml version="1.0" encoding="UTF-8"?>
        <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
        </oor:items>
        """.write(to: user.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
    let out = temporaryDirectory("lo-recalc")
    let (status, log) = try runProcess("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless",
                                                   "--convert-to", "xlsx", "--outdir", out.path] + paths, timeout: 900)
    guard status == 0 else { throw ProcessFailure(status: status, output: log) }
    var result: [String: String] = [:]
    for path in paths {
        let converted = out.appendingPathComponent((path as NSString).lastPathComponent).path
        guard FileManager.default.fileExists(atPath: converted) else { throw ProcessFailure(status: status, output: "\(path) not converted: \(log)") }
        result[path] = converted
    }
    return result
}
