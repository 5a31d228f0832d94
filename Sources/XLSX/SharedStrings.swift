/// The shared string table (`xl/sharedStrings.xml`), read in one streaming pass.
/// The declared `count`/`uniqueCount` are never used to preallocate.
struct SharedStrings {
    private(set) var strings: [String] = []

    init() {}

    init(archive: ZipArchive, entry: ZipArchive.Entry) throws {
        let xml = try XMLEventStream(archive: archive, entry: entry)
        var collector = RichTextCollector()
        var inItem = false
        var itemDepth = 0
        while try xml.next() {
            if !inItem {
                if xml.isStart("si") {
                    inItem = true
                    itemDepth = xml.depth
                    collector.reset()
                }
                continue
            }
            if xml.isEnd && xml.depth == itemDepth && xml.isNamed("si") {
                inItem = false
                if strings.count >= archive.limits.maxSharedStrings {
                    throw XLSXError(.limitExceeded(limit: "共享字符串超过 \(archive.limits.maxSharedStrings) 个",
                                                   part: entry.name), file: archive.file)
                }
                strings.append(collector.text)
            } else {
                collector.feed(xml)
            }
        }
    }

    subscript(index: Int) -> String? {
        index >= 0 && index < strings.count ? strings[index] : nil
    }
}

/// What the reader needs from the style sheet (`xl/styles.xml`): the number format of each
/// cell format (`cellXfs`), and what kind of value that format shows.
struct CellStyles {
    /// Number format id of each cell format, by `s` index.
    private(set) var formatIds: [Int] = []
    /// Custom format codes by id (`numFmts`).
    private(set) var formatCodes: [Int: String] = [:]
    /// Kind of each cell format, by `s` index.
    private(set) var kinds: [NumberFormatKind] = []

    init() {}

    init(archive: ZipArchive, entry: ZipArchive.Entry) throws {
        let xml = try XMLEventStream(archive: archive, entry: entry)
        var inCellXfs = false
        var inNumFmts = false
        var xfDepth = 0
        while try xml.next() {
            if xml.isStart {
                if xml.isNamed("numFmts") {
                    inNumFmts = true
                } else if inNumFmts && xml.isNamed("numFmt") {
                    if let id = xml.attribute("numFmtId").flatMap({ Int($0) }), let code = xml.attribute("formatCode") {
                        formatCodes[id] = code
                    }
                } else if xml.isNamed("cellXfs") {
                    inCellXfs = true
                    xfDepth = xml.depth + 1
                } else if inCellXfs && xml.depth == xfDepth && xml.isNamed("xf") {
                    formatIds.append(xml.attribute("numFmtId").flatMap { Int($0) } ?? 0)
                }
            } else if xml.isEnd("cellXfs") {
                inCellXfs = false
            } else if xml.isEnd("numFmts") {
                inNumFmts = false
            }
        }
        kinds = formatIds.map { kind(ofFormatId: $0) }
    }

    /// A custom definition wins over the built-in meaning of the same id.
    func kind(ofFormatId id: Int) -> NumberFormatKind {
        if let code = formatCodes[id] { return NumberFormat.kind(ofCode: code) }
        return NumberFormat.builtinKind(id)
    }

    /// The kind of value the cell format at `index` shows (`.number` for unknown indices).
    @inline(__always)
    func kind(ofStyle index: Int) -> NumberFormatKind {
        index >= 0 && index < kinds.count ? kinds[index] : .number
    }

    /// The format code of the cell format at `index`: the custom code, or for the built-in
    /// percent formats their code; nil otherwise.
    func formatCode(ofStyle index: Int) -> String? {
        guard index >= 0 && index < formatIds.count else { return nil }
        let id = formatIds[index]
        if let code = formatCodes[id] { return code }
        switch id {
        case 9: return "0%"
        case 10: return "0.00%"
        default: return nil
        }
    }
}
