/// A cell position on Excel's grid: 1-based row (1…1,048,576) and column (1…16,384).
public struct CellReference: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let maxRow = 1_048_576
    public static let maxColumn = 16_384

    public let row: Int
    public let column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Parses an A1-style reference (`D7`, `$D$7`). Returns nil for anything else, or a
    /// position outside Excel's grid.
    public init?(_ text: String) {
        var utf8 = Array(text.utf8)
        guard let parsed = utf8.withUnsafeMutableBufferPointer({ Self.parse(UnsafeBufferPointer($0)) })
        else { return nil }
        self = parsed
    }

    /// Parses an A1-style reference from raw bytes without allocating.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CellReference? {
        var i = 0
        let n = bytes.count
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var column = 0
        let columnStart = i
        while i < n {
            var b = bytes[i]
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
            guard b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") else { break }
            column = column &* 26 &+ Int(b &- UInt8(ascii: "A") &+ 1)
            if column > maxColumn { return nil }
            i += 1
        }
        guard i > columnStart else { return nil }
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var row = 0
        let rowStart = i
        while i < n {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            row = row &* 10 &+ Int(b &- UInt8(ascii: "0"))
            if row > maxRow { return nil }
            i += 1
        }
        guard i > rowStart, row >= 1 else { return nil }
        return CellReference(row: row, column: column)
    }

    /// The column's letters (`1` → `A`, `28` → `AB`).
    public static func columnName(_ column: Int) -> String {
        if column > 0, column < shortColumnNames.count { return shortColumnNames[column] }
        return computedColumnName(column)
    }

    /// Names of columns 1...702 (A...ZZ), indexed by column; index 0 unused.
    private static let shortColumnNames: [String] = (0...702).map { $0 == 0 ? "" : computedColumnName($0) }

    private static func computedColumnName(_ column: Int) -> String {
        var n = column
        var letters: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.append(UInt8(ascii: "A") + UInt8(r))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// The column number of letters (`A` → 1), or nil.
    public static func columnNumber(_ letters: String) -> Int? {
        var n = 0
        for b in letters.utf8 {
            var c = b
            if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { c -= 32 }
            guard c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") else { return nil }
            n = n * 26 + Int(c - UInt8(ascii: "A") + 1)
            if n > maxColumn { return nil }
        }
        return n == 0 ? nil : n
    }

    /// `D7`.
    public var description: String { Self.columnName(column) + String(row) }

    public static func < (a: CellReference, b: CellReference) -> Bool {
        (a.row, a.column) < (b.row, b.column)
    }
}
