import CXMLShim
import Foundation

/// A pull stream of XML events from one part of a package, parsed by libxml2's SAX2 push parser
/// as the part is inflated: no part is ever held whole in memory, and no DOM is built.
///
/// Elements are matched by local name only, so prefixed elements (`<x:c>`) and Strict OOXML
/// namespaces read the same as transitional ones.
///
/// The current event's names, attributes and text are valid until the next call to `next()`.
///
/// A stream is confined to one thread, so the state read on every event is marked
/// `@exclusivity(unchecked)`: the dynamic exclusivity checks cost about 5 % of reading, and a
/// module-wide `-enforce-exclusivity=unchecked` would be an unsafe flag, which SwiftPM refuses in
/// a package that others depend on (the XLSX product).
final class XMLEventStream {
    enum Kind { case start, end, text }

    private let parser: OpaquePointer
    private let part: String
    private let file: String
    /// Produces the next chunk of the part's bytes, or nil at the end.
    private let pull: () throws -> [UInt8]?
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var index = 0
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var events: UnsafePointer<tb_xml_event>?
    /// The current event, copied once per `next()`.
    @exclusivity(unchecked) private var event = tb_xml_event()
    /// Attributes and arena of the current batch of events.
    @exclusivity(unchecked) private var attrs: UnsafePointer<tb_xml_attr>?
    @exclusivity(unchecked) private var arena: UnsafeRawPointer?
    @exclusivity(unchecked) private var cells: UnsafePointer<tb_xml_cell>?
    /// The entry the parser's own thread reads from, when it reads ahead.
    private var readingAhead: ZipEntryFile?
    private var prefetch: OpaquePointer?

    /// Streams a part of `archive`. Chunks are inflated lazily as events are consumed; a part of
    /// at least `limits.readAheadBytes` (declared size) is inflated and parsed on two threads of
    /// its own, a few chunks ahead of the reader, so that inflating, parsing and what the caller
    /// does with the events overlap.
    /// In cell mode (worksheets), each `<c>` inside `<sheetData>` arrives as one cell event;
    /// with `columns`, cells right of that column arrive without their content, which is never
    /// parsed (see `tb_xml_set_column_limit`).
    convenience init(archive: ZipArchive, entry: ZipArchive.Entry, cellMode: Bool = false, columns: Int? = nil) throws {
        let file = try ZipEntryFile(archive: archive, entry: entry)
        try self.init(part: entry.name, file: archive.file, limits: archive.limits, cellMode: cellMode,
                      columns: columns, pull: file.read)
        if entry.size >= archive.limits.readAheadBytes {
            startReadingAhead(file)
        }
    }

    /// `liftCells: false` has libxml2 parse every cell, plain ones too (see
    /// `tb_xml_set_cell_lifting`): only for comparing the two.
    init(part: String, file: String, limits: ReadLimits, cellMode: Bool = false, columns: Int? = nil,
         liftCells: Bool = true, pull: @escaping () throws -> [UInt8]?) throws {
        guard let parser = tb_xml_parser_new(UInt32(clamping: limits.maxXMLDepth),
                                             UInt32(clamping: limits.maxTextBytes)) else {
            throw XLSXError(.limitExceeded(limit: "内存不足", part: part), file: file)
        }
        tb_xml_set_cell_mode(parser, cellMode ? 1 : 0)
        if cellMode, let columns, columns < CellReference.maxColumn {
            tb_xml_set_column_limit(parser, Int32(max(columns, 1)))
        }
        if !liftCells { tb_xml_set_cell_lifting(parser, 0) }
        self.parser = parser
        self.part = part
        self.file = file
        self.pull = pull
    }

    /// Hands the reading of `source` to two threads of its own: one inflates the entry (and
    /// checks its CRC) a few chunks ahead, the other parses those chunks into batches of events
    /// a few batches ahead of this one (see `tb_prefetch_start` and `tb_xml_start_pipeline`).
    /// Both are stopped and joined when this stream goes away, before `source` is released.
    /// Without threads (when they cannot be started) the part is read on this one.
    private func startReadingAhead(_ source: ZipEntryFile) {
        let fill: tb_xml_source = { context, buffer, capacity in
            Unmanaged<ZipEntryFile>.fromOpaque(context!).takeUnretainedValue()
                .fill(buffer!, capacity: Int(clamping: capacity))
        }
        guard let prefetch = tb_prefetch_start(fill, Unmanaged.passUnretained(source).toOpaque(),
                                               ZipEntryFile.chunkSize) else { return }
        guard tb_xml_start_pipeline(parser, tb_prefetch_read, UnsafeMutableRawPointer(prefetch),
                                    ZipEntryFile.chunkSize) == Int32(TB_XML_OK) else {
            tb_prefetch_free(prefetch)
            return
        }
        self.prefetch = prefetch
        readingAhead = source
    }

    deinit {
        tb_xml_parser_free(parser)  // joins the parsing thread, the one reading from prefetch
        tb_prefetch_free(prefetch)
    }

    /// Advances to the next event. Returns false at the end of the part.
    @inline(__always)
    func next() throws -> Bool {
        index += 1
        if index < count {
            event = events![index]
            return true
        }
        return try refill()
    }

    private func refill() throws -> Bool {
        while index >= count {
            if finished { return false }
            if let source = readingAhead {
                var info = tb_xml_batch_info()
                guard tb_xml_next_batch(parser, &info) == 1 else {
                    finished = true
                    return false
                }
                if info.last != 0 { finished = true }
                if info.source_failed != 0 { throw source.failure() }
                try source.account(Int(info.input_bytes))
                if info.status != Int32(TB_XML_OK) { throw translate(info.status) }
            } else {
                tb_xml_clear(parser)
                let chunk = try pull()
                let rc: Int32
                if let chunk {
                    rc = chunk.withUnsafeBufferPointer { buf in
                        buf.withMemoryRebound(to: CChar.self) { tb_xml_feed(parser, $0.baseAddress, $0.count, 0) }
                    }
                } else {
                    finished = true
                    rc = tb_xml_feed(parser, nil, 0, 1)
                }
                if Int(rc) != TB_XML_OK { throw translate(rc) }
            }
            events = tb_xml_events(parser)
            attrs = tb_xml_attrs(parser)
            arena = UnsafeRawPointer(tb_xml_arena(parser))
            cells = tb_xml_cells(parser)
            count = tb_xml_event_count(parser)
            index = 0
        }
        event = events![index]
        return true
    }

    private func translate(_ rc: Int32) -> XLSXError {
        let line = Int(tb_xml_error_line(parser))
        let detail = String(cString: tb_xml_error_message(parser))
        switch Int(rc) {
        case TB_XML_ERR_DTD:
            return XLSXError(.malformedPart(part: part, line: line,
                                            detail: "含有 DOCTYPE 或实体声明，出于安全原因拒绝读取"), file: file)
        case TB_XML_ERR_DEPTH:
            return XLSXError(.limitExceeded(limit: "XML 嵌套层数过深", part: part), file: file)
        case TB_XML_ERR_LENGTH:
            return XLSXError(.limitExceeded(limit: "单个文本或属性值过长", part: part), file: file)
        case TB_XML_ERR_MEMORY:
            return XLSXError(.limitExceeded(limit: "内存不足", part: part), file: file)
        default:
            return XLSXError(.malformedPart(part: part, line: line, detail: "XML 格式错误：\(detail)"), file: file)
        }
    }

    var kind: Kind {
        switch event.kind {
        case Int32(TB_XML_START): return .start
        case Int32(TB_XML_END): return .end
        default: return .text
        }
    }

    /// How many cells the shim lifted past libxml2 so far (see `tb_xml_set_cell_lifting`).
    var liftedCellCount: Int { Int(tb_xml_lifted_cell_count(parser)) }

    /// Depth of the current element (1 for the root); for text, the enclosing element's depth.
    var depth: Int { Int(event.depth) }

    var isStart: Bool { event.kind == Int32(TB_XML_START) }
    var isEnd: Bool { event.kind == Int32(TB_XML_END) }
    var isText: Bool { event.kind == Int32(TB_XML_TEXT) }
    var isCell: Bool { event.kind == Int32(TB_XML_CELL) }

    /// The record of the current cell event (cell mode). Its bytes are valid until the next
    /// `next()`; read them with `bytes(_:_:)`.
    var cell: tb_xml_cell { cells![Int(event.attr_first)] }

    /// Bytes of the current batch's arena; nil for an absent value.
    @inline(__always)
    func bytes(_ offset: UInt32, _ length: UInt32) -> UnsafeBufferPointer<UInt8>? {
        guard length != UInt32.max, let arena else { return nil }
        return UnsafeBufferPointer(start: (arena + Int(offset)).assumingMemoryBound(to: UInt8.self), count: Int(length))
    }

    /// True when the current start or end event has this local name.
    @inline(__always)
    func isNamed(_ name: StaticString) -> Bool {
        guard let local = event.local_name else { return false }
        return name.withUTF8Buffer { want in
            strcmp(local, UnsafeRawPointer(want.baseAddress!).assumingMemoryBound(to: CChar.self)) == 0
        }
    }

    /// True for a start event with this local name.
    func isStart(_ name: StaticString) -> Bool { isStart && isNamed(name) }
    /// True for an end event with this local name.
    func isEnd(_ name: StaticString) -> Bool { isEnd && isNamed(name) }

    /// The current element's local name (for messages).
    var localName: String { event.local_name.map { String(cString: $0) } ?? "" }

    /// The raw bytes of an attribute of the current start event, matched by local name
    /// (any namespace), or nil. Valid until the next `next()`. The bytes are NUL-terminated.
    func attributeBytes(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        let e = event
        guard e.kind == Int32(TB_XML_START), e.attr_count > 0, let attrs, let arena else { return nil }
        return name.withUTF8Buffer { want -> UnsafeBufferPointer<UInt8>? in
            let wantC = UnsafeRawPointer(want.baseAddress!).assumingMemoryBound(to: CChar.self)
            for i in Int(e.attr_first)..<Int(e.attr_first + e.attr_count) {
                let a = attrs[i]
                if strcmp(a.local_name, wantC) == 0 {
                    return UnsafeBufferPointer(start: (arena + Int(a.value_offset)).assumingMemoryBound(to: UInt8.self),
                                               count: Int(a.value_length))
                }
            }
            return nil
        }
    }

    /// An attribute of the current start event as a String, matched by local name.
    func attribute(_ name: StaticString) -> String? {
        attributeBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The raw bytes of the current text event. Valid until the next `next()`.
    var textBytes: UnsafeBufferPointer<UInt8> {
        let e = event
        return UnsafeBufferPointer(start: (arena! + Int(e.text_offset)).assumingMemoryBound(to: UInt8.self),
                                   count: Int(e.text_length))
    }

    /// The text of the current text event.
    var text: String { String(decoding: textBytes, as: UTF8.self) }

    /// Collects the text content of the element whose start event is current, up to and
    /// including its end event (text of nested elements included).
    func elementText() throws -> String {
        let startDepth = depth
        var bytes: [UInt8] = []
        while try next() {
            if isText { bytes.append(contentsOf: textBytes) }
            else if isEnd && depth == startDepth { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
