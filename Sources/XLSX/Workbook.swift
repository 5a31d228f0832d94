import Foundation

/// A sheet as the workbook lists it.
public struct SheetInfo: Sendable, Equatable {
    public enum State: String, Sendable { case visible, hidden, veryHidden }
    public enum Kind: String, Sendable { case worksheet, chartsheet, dialogsheet, macrosheet }

    public let name: String
    public let state: State
    public let kind: Kind
    /// The part that holds the sheet, or nil when the workbook points at nothing.
    let part: String?
}

/// A defined name (`<definedName>`), global or local to one sheet.
public struct DefinedName: Sendable, Equatable {
    public let name: String
    /// Index of the sheet the name is local to, or nil for a global name.
    public let localSheet: Int?
    public let formula: String
    public let hidden: Bool
}

/// Document properties: core (`docProps/core.xml`) and custom (`docProps/custom.xml`).
public struct DocumentProperties: Sendable, Equatable {
    /// Core properties by local element name: `title`, `creator`, `lastModifiedBy`, `created`,
    /// `modified`, `subject`, `keywords`, `description`, `category`.
    public var core: [String: String] = [:]
    /// Custom properties by name, as text (numbers and booleans in their XML spelling).
    public var custom: [String: String] = [:]
}

/// An XLSX/XLSM workbook opened for reading.
///
/// Opening reads the small parts (relationships, workbook, styles, shared strings, properties);
/// worksheets are read only when asked for, one row at a time.
public final class Workbook {
    /// The file as the user knows it (last path component), used in every message.
    public let fileName: String
    public let sheets: [SheetInfo]
    public let definedNames: [DefinedName]
    /// How the workbook counts days (its serial numbers' epoch).
    public let dateSystem: DateSystem
    public let properties: DocumentProperties
    /// True when the package carries a VBA project (macros are never run or kept).
    public let hasMacros: Bool

    let archive: ZipArchive
    let sharedStrings: SharedStrings
    let styles: CellStyles

    /// Opens the workbook at `path`. Throws `XLSXError` for anything that is not a readable
    /// workbook, with a message that names the file.
    public convenience init(path: String, limits: ReadLimits = .standard) throws {
        let name = (path as NSString).lastPathComponent
        let (fd, _) = try Self.openRegularFile(path, name: name)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let prefix: [UInt8]
        do {
            prefix = [UInt8](try handle.read(upToCount: 4096) ?? Data())
            try? handle.close()
        } catch {
            throw XLSXError(.unreadable(reason: "读取失败"), file: name)
        }
        let verdict = FileSniffer.sniff(prefix: prefix, fileName: name) {
            // Compound files: stream names live in directory sectors anywhere in the file.
            (FileManager.default.contents(atPath: path)).map { [UInt8]($0.prefix(64 << 20)) } ?? prefix
        }
        if case .rejected(let kind) = verdict { throw XLSXError(kind, file: name) }
        let archive = try ZipArchive(path: path, displayName: name, limits: limits)
        try self.init(archive: archive)
    }

    /// Opens `path` for reading without waiting (a named pipe would block an open until a writer
    /// comes) and refuses it unless it is a regular file; returns the descriptor and its status.
    /// The corresponding C functions are `open(2)` and `fstat(2)`.
    static func openRegularFile(_ path: String, name: String) throws -> (Int32, stat) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = FileManager.default.fileExists(atPath: path) ? "没有读取权限" : "文件不存在"
            throw XLSXError(.unreadable(reason: reason), file: name)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw XLSXError(.unreadable(reason: "它不是普通文件，而是命名管道、设备或文件夹"), file: name)
        }
        return (fd, st)
    }

    /// Files up to this size are read whole by `init(path:limits:whole:)`.
    public static let wholeFileLimit = 64 << 20

    /// Opens the workbook at `path`, reading the file once: a regular file of up to
    /// `wholeFileLimit` bytes is read whole into memory, `whole` is handed all its bytes, and the
    /// package is opened from them (so a caller can hash the file without reading it again).
    /// `whole` is not called for a larger file (opened from disk as `init(path:limits:)` does)
    /// nor when the file cannot be read. Throws as `init(path:limits:)` does.
    public convenience init(path: String, limits: ReadLimits = .standard, whole: (UnsafeRawBufferPointer) -> Void) throws {
        let name = (path as NSString).lastPathComponent
        let (fd, st) = try Self.openRegularFile(path, name: name)
        guard st.st_size <= Self.wholeFileLimit else {
            close(fd)
            try self.init(path: path, limits: limits)
            return
        }
        // Read to the end (the file may have grown since fstat), never past the limit.
        var capacity = max(Int(st.st_size), 1)
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        var count = 0
        while true {
            if count == capacity {
                guard capacity <= Self.wholeFileLimit else { break }
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 8)
                grown.copyMemory(from: buffer, byteCount: count)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let n = Glibc.read(fd, buffer + count, capacity - count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                close(fd)
                buffer.deallocate()
                throw XLSXError(.unreadable(reason: "读取失败"), file: name)
            }
            if n == 0 { break }
            count += n
        }
        close(fd)
        guard count <= Self.wholeFileLimit else {
            buffer.deallocate()
            try self.init(path: path, limits: limits)
            return
        }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: count)
        whole(bytes)
        let verdict = FileSniffer.sniff(prefix: Array(bytes.prefix(4096)), fileName: name) { Array(bytes) }
        if case .rejected(let kind) = verdict {
            buffer.deallocate()
            throw XLSXError(kind, file: name)
        }
        let archive = try ZipArchive(owning: buffer, count: count, displayName: name, limits: limits)
        try self.init(archive: archive)
    }

    /// Opens a workbook held in memory (tests, fuzzing).
    public convenience init(bytes: [UInt8], fileName: String, limits: ReadLimits = .standard) throws {
        let verdict = FileSniffer.sniff(prefix: Array(bytes.prefix(4096)), fileName: fileName) { bytes }
        if case .rejected(let kind) = verdict { throw XLSXError(kind, file: fileName) }
        let archive = try ZipArchive(bytes: bytes, displayName: fileName, limits: limits)
        try self.init(archive: archive)
    }

    private init(archive: ZipArchive) throws {
        self.archive = archive
        self.fileName = archive.file

        let package = try WorkbookPackage(archive: archive)
        let workbookPart = package.workbookPart
        let rels = try Relationship.read(for: workbookPart, in: archive)
        var relById: [String: Relationship] = [:]
        for rel in rels where relById[rel.id] == nil { relById[rel.id] = rel }

        // workbook.xml: sheets, defined names, date system.
        var sheets: [SheetInfo] = []
        var names: [DefinedName] = []
        var dateSystem = DateSystem.excel1900
        let xml = try XMLEventStream(archive: archive, entry: package.workbookEntry)
        while try xml.next() {
            guard xml.isStart else { continue }
            if xml.isNamed("workbookPr") && xml.depth == 2 {
                // Only the workbook's own: extensions (x15:workbookPr) reuse the name.
                dateSystem = DateSystem(date1904: xml.attribute("date1904"),
                                        dateCompatibility: xml.attribute("dateCompatibility"))
            } else if xml.isNamed("sheet") {
                let name = xml.attribute("name") ?? "Sheet\(sheets.count + 1)"
                let state = SheetInfo.State(rawValue: xml.attribute("state") ?? "visible") ?? .visible
                let rel = xml.attribute("id").flatMap { relById[$0] }
                let kind: SheetInfo.Kind
                switch rel?.type.lowercased() {
                case "chartsheet": kind = .chartsheet
                case "dialogsheet": kind = .dialogsheet
                case "xlmacrosheet", "xlintlmacrosheet": kind = .macrosheet
                default: kind = .worksheet
                }
                let part = kind == .worksheet
                    ? try package.worksheetPart(name, target: rel?.target, relationships: rels, in: archive)
                    : rel?.target.flatMap { archive.entry(named: $0) != nil ? $0 : nil }
                sheets.append(SheetInfo(name: name, state: state, kind: kind, part: part))
            } else if xml.isNamed("definedName") {
                let name = xml.attribute("name") ?? ""
                let local = xml.attribute("localSheetId").flatMap { Int($0) }
                let hidden = xml.attribute("hidden").map { $0 == "1" || $0 == "true" } ?? false
                let formula = try xml.elementText()
                names.append(DefinedName(name: name, localSheet: local, formula: formula, hidden: hidden))
            }
        }
        self.sheets = sheets
        self.definedNames = names
        self.dateSystem = dateSystem

        let sharedStringsPart = rels.first { $0.type.lowercased() == "sharedstrings" }?.target
            ?? PartName.folder(of: workbookPart) + "sharedStrings.xml"
        if let entry = archive.entry(named: sharedStringsPart) {
            self.sharedStrings = try SharedStrings(archive: archive, entry: entry)
        } else {
            self.sharedStrings = SharedStrings()
        }
        let stylesPart = rels.first { $0.type == "styles" }?.target ?? PartName.folder(of: workbookPart) + "styles.xml"
        if let entry = archive.entry(named: stylesPart) {
            self.styles = try CellStyles(archive: archive, entry: entry)
        } else {
            self.styles = CellStyles()
        }
        self.properties = try Self.readProperties(archive: archive, packageRels: package.relationships)
        self.hasMacros = rels.contains { $0.type == "vbaProject" }
            || archive.entries.contains { ZipArchive.key($0.name).hasSuffix("vbaproject.bin") }
    }

    private static func readProperties(archive: ZipArchive, packageRels: [Relationship]) throws -> DocumentProperties {
        var props = DocumentProperties()
        let corePart = packageRels.first { $0.type == "core-properties" }?.target ?? "docProps/core.xml"
        if let entry = archive.entry(named: corePart) {
            let xml = try XMLEventStream(archive: archive, entry: entry)
            while try xml.next() {
                if xml.isStart && xml.depth == 2 {
                    let key = xml.localName
                    props.core[key] = try xml.elementText()
                }
            }
        }
        let customPart = packageRels.first { $0.type == "custom-properties" }?.target ?? "docProps/custom.xml"
        if let entry = archive.entry(named: customPart) {
            let xml = try XMLEventStream(archive: archive, entry: entry)
            var current: String?
            while try xml.next() {
                if xml.isStart("property") {
                    current = xml.attribute("name")
                } else if xml.isStart && xml.depth == 3, let name = current {
                    props.custom[name] = try xml.elementText()
                    current = nil
                }
            }
        }
        return props
    }

    /// The number format code of a cell's style (custom codes, and the built-in percent
    /// formats), for callers that need more than the value kind, such as a percent sign.
    public func numberFormatCode(ofStyle index: Int) -> String? { styles.formatCode(ofStyle: index) }

    /// The sheet with this name, if any.
    public func sheet(named name: String) -> SheetInfo? {
        sheets.first { $0.name == name }
    }

    /// Opens a worksheet for streaming, one row at a time. Sheets that are not grids
    /// (chartsheets, dialog sheets, macro sheets) and sheets without a part yield no rows.
    /// With `columns`, cells right of that (1-based) column are left out without being decoded
    /// (a template's formula columns that the caller never looks at).
    public func rows(of sheet: SheetInfo, columns: Int? = nil) throws -> WorksheetReader {
        guard sheet.kind == .worksheet, let part = sheet.part, let entry = archive.entry(named: part) else {
            return WorksheetReader.empty(workbook: self)
        }
        return try WorksheetReader(workbook: self, entry: entry, columns: columns)
    }

    /// Reads a whole worksheet into memory (convenient for small sheets such as templates);
    /// `columns` as in `rows(of:columns:)`.
    public func read(_ sheet: SheetInfo, columns: Int? = nil) throws -> Worksheet {
        let reader = try rows(of: sheet, columns: columns)
        var rows: [Row] = []
        while let row = try reader.next() { rows.append(row) }
        return Worksheet(info: sheet, rows: rows, mergedRanges: reader.mergedRanges)
    }
}

/// A worksheet read whole: its rows and merged ranges.
public struct Worksheet: Sendable {
    public let info: SheetInfo
    public let rows: [Row]
    /// Merged ranges as written (`A1:C1`).
    public let mergedRanges: [String]
    /// Row position by row number, for cell look-ups in constant time.
    private let rowIndex: [Int: Int]

    public init(info: SheetInfo, rows: [Row], mergedRanges: [String]) {
        self.info = info
        self.rows = rows
        self.mergedRanges = mergedRanges
        var index: [Int: Int] = [:]
        index.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() where index[row.index] == nil { index[row.index] = i }
        self.rowIndex = index
    }

    /// The cell at a reference, if it is not empty.
    public func cell(_ reference: CellReference) -> Cell? {
        guard let i = rowIndex[reference.row] else { return nil }
        let cells = rows[i].cells
        // Cells are in column order: binary search.
        var lo = 0, hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cells[mid].reference.column < reference.column { lo = mid + 1 } else { hi = mid }
        }
        return lo < cells.count && cells[lo].reference.column == reference.column ? cells[lo] : nil
    }

    /// The cell at an A1 reference, if it is not empty.
    public subscript(_ a1: String) -> Cell? {
        CellReference(a1).flatMap { cell($0) }
    }
}
