/// A calendar date, a time of day, or both, as a cell shows it. Built with integer arithmetic
/// from Excel serial numbers (no Foundation date math per cell).
public struct ExcelDateTime: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case date, time, dateTime }

    public var kind: Kind
    // Compact storage: a CellValue carries one of these, and rows are copied by the million.
    private var y: Int32
    private var mo: UInt8, d: UInt8, h: UInt8, mi: UInt8, s: UInt8
    private var ms: UInt16

    public var year: Int { get { Int(y) } set { y = Int32(truncatingIfNeeded: newValue) } }
    public var month: Int { get { Int(mo) } set { mo = UInt8(truncatingIfNeeded: newValue) } }
    public var day: Int { get { Int(d) } set { d = UInt8(truncatingIfNeeded: newValue) } }
    public var hour: Int { get { Int(h) } set { h = UInt8(truncatingIfNeeded: newValue) } }
    public var minute: Int { get { Int(mi) } set { mi = UInt8(truncatingIfNeeded: newValue) } }
    public var second: Int { get { Int(s) } set { s = UInt8(truncatingIfNeeded: newValue) } }
    public var millisecond: Int { get { Int(ms) } set { ms = UInt16(truncatingIfNeeded: newValue) } }

    public init(kind: Kind, year: Int = 1899, month: Int = 12, day: Int = 30,
                hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        self.kind = kind
        self.y = Int32(truncatingIfNeeded: year)
        self.mo = UInt8(truncatingIfNeeded: month)
        self.d = UInt8(truncatingIfNeeded: day)
        self.h = UInt8(truncatingIfNeeded: hour)
        self.mi = UInt8(truncatingIfNeeded: minute)
        self.s = UInt8(truncatingIfNeeded: second)
        self.ms = UInt16(truncatingIfNeeded: millisecond)
    }

    private static let msPerDay: Int64 = 86_400_000
    /// Days from 1970-01-01 to the serial-number epochs.
    private static let epoch1900: Int64 = -25_569   // 1899-12-30
    private static let epoch1904: Int64 = -24_107   // 1904-01-01
    /// The largest serial Excel displays as a date (9999-12-31).
    private static let maxSerial = 2_958_465.999_999

    /// Converts a serial number as the workbook's date system counts it: whole days from the
    /// system's epoch (below it for a negative serial) plus a fraction of a day, rounded to the
    /// millisecond. Returns nil for serials the system has no date for (see `DateSystem`).
    public init?(serial: Double, kind: Kind, system: DateSystem) {
        guard serial.isFinite, serial >= system.smallestSerial, serial <= Self.maxSerial else { return nil }
        let totalMs = Int64((serial * Double(Self.msPerDay)).rounded())
        // Floored: -0.25 is 18:00 on the day before the epoch.
        var days = totalMs >= 0 ? totalMs / Self.msPerDay : -((-totalMs + Self.msPerDay - 1) / Self.msPerDay)
        let msOfDay = totalMs - days * Self.msPerDay
        if system == .excel1900 && days > 0 && days < 60 { days += 1 }
        let (y, m, d) = CivilCalendar.date(fromUnixDays: days + (system == .excel1904 ? Self.epoch1904 : Self.epoch1900))
        self.init(kind: kind, year: y, month: m, day: d,
                  hour: Int(msOfDay / 3_600_000), minute: Int(msOfDay / 60_000 % 60),
                  second: Int(msOfDay / 1000 % 60), millisecond: Int(msOfDay % 1000))
    }

    /// Converts a serial number of Excel's 1900 or 1904 system (see `DateSystem.excel1900`).
    public init?(serial: Double, kind: Kind, date1904: Bool) {
        self.init(serial: serial, kind: kind, system: date1904 ? .excel1904 : .excel1900)
    }

    /// The serial number of this value in the given date system.
    public func serial(date1904: Bool) -> Double {
        let ms = Double(((hour * 60 + minute) * 60 + second) * 1000 + millisecond) / Double(Self.msPerDay)
        if kind == .time { return ms }
        var days = CivilCalendar.unixDays(year: year, month: month, day: day) - (date1904 ? Self.epoch1904 : Self.epoch1900)
        if !date1904 && days > 0 && days <= 60 { days -= 1 }
        return Double(days) + ms
    }

    /// Parses the ISO 8601 text of a `t="d"` cell: `2021-06-15`, `2021-06-15T08:30:00[.123][Z]`,
    /// or `08:30:00`. A time zone suffix is ignored (cells have no zone). `kind` overrides the
    /// kind implied by the text when the cell's format says what it shows.
    public init?(iso text: String, kind override: Kind? = nil) {
        let bytes = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= bytes.count else { return nil }
            var n = 0
            for b in bytes[i..<i + width] {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int(b - 48)
            }
            i += width
            return n
        }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        var value = ExcelDateTime(kind: .date)
        var hasDate = false, hasTime = false
        if bytes.count >= 10, bytes[4] == UInt8(ascii: "-") {
            guard let y = number(4), expect("-"), let m = number(2), expect("-"), let d = number(2),
                  (1...12).contains(m), (1...CivilCalendar.daysIn(month: m, year: y)).contains(d) else { return nil }
            (value.year, value.month, value.day) = (y, m, d)
            hasDate = true
            if i < bytes.count { guard expect("T") || expect(" ") else { return nil } }
        }
        if i < bytes.count {
            guard let h = number(2), expect(":"), let mi = number(2), h < 24, mi < 60 else { return nil }
            (value.hour, value.minute) = (h, mi)
            if expect(":") {
                guard let s = number(2), s < 60 else { return nil }
                value.second = s
                if expect(".") {
                    var digits = 0, ms = 0
                    while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                        if digits < 3 { ms = ms * 10 + Int(bytes[i] - 48) }
                        digits += 1
                        i += 1
                    }
                    if digits < 3 { for _ in digits..<3 { ms *= 10 } }
                    value.millisecond = ms
                }
            }
            hasTime = true
            // A zone designator (Z, +08:00) may follow; it is ignored.
            if i < bytes.count {
                guard bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")
                else { return nil }
            }
        }
        guard hasDate || hasTime else { return nil }
        value.kind = override ?? (hasDate ? (hasTime ? .dateTime : .date) : .time)
        self = value
    }

    /// ISO 8601 text: `2021-06-15`, `08:30:00`, `2021-06-15T08:30:00`; milliseconds are added
    /// (`08:30:00.250`) only when not zero.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `iso8601`'s UTF-8 bytes (for renderers that write bytes, not strings): digits
    /// written straight into the buffer, as this runs for every date cell `cat` prints.
    public func appendISO8601(to out: inout [UInt8]) {
        @inline(__always) func two(_ v: UInt8) {
            out.append(48 + v / 10)
            out.append(48 + v % 10)
        }
        if kind != .time {
            if y <= 9999 {
                let v = max(Int(y), 0)
                out.append(48 + UInt8(v / 1000))
                out.append(48 + UInt8(v / 100 % 10))
                out.append(48 + UInt8(v / 10 % 10))
                out.append(48 + UInt8(v % 10))
            } else {
                // Beyond four digits (only from the 1904 system's last serials): as many as it takes.
                out.append(contentsOf: String(y).utf8)
            }
            out.append(UInt8(ascii: "-"))
            two(mo)
            out.append(UInt8(ascii: "-"))
            two(d)
            if kind == .dateTime { out.append(UInt8(ascii: "T")) }
        }
        if kind != .date {
            two(h)
            out.append(UInt8(ascii: ":"))
            two(mi)
            out.append(UInt8(ascii: ":"))
            two(s)
            if ms != 0 {
                out.append(UInt8(ascii: "."))
                out.append(48 + UInt8(ms / 100))
                two(UInt8(ms % 100))
            }
        }
    }

    public var description: String { iso8601 }
}

/// How a workbook counts days: its `workbookPr` attributes `date1904` and `dateCompatibility`
/// (ECMA-376 Part 1, 18.2.28 and 18.17.4.1).
public enum DateSystem: Sendable, Equatable {
    /// Excel's 1900 system, the default: serial 1 is 1900-01-01 and 61 is 1900-03-01; serial
    /// 60 is Excel's 1900-02-29, a day that never was (kept from Lotus 1-2-3), read as
    /// 1900-02-28. There are no dates before 1900: Excel shows a negative serial under a date
    /// format as ####, so it stays a number.
    case excel1900
    /// ECMA-376's "1900 date base" (`dateCompatibility="false"`), which LibreOffice writes
    /// into every workbook it saves, and Excel into Strict files: serial 0 is 1899-12-30, no
    /// phantom day (60 is 1900-02-28), and a negative serial is a day before 1899-12-30, down
    /// to 0001-01-01 (older serials stay numbers: ISO 8601 has no four-digit year for them).
    case base1900
    /// The 1904 system (`date1904="1"`): serial 0 is 1904-01-01; negative serials stay numbers.
    case excel1904

    /// The system `workbookPr` declares: `date1904` wins (LibreOffice reads it so), then a
    /// false `dateCompatibility`; attribute values as `xsd:boolean` spells them.
    public init(date1904: String?, dateCompatibility: String?) {
        if let v = date1904, v == "1" || v.lowercased() == "true" {
            self = .excel1904
        } else if let v = dateCompatibility, v == "0" || v.lowercased() == "false" {
            self = .base1900
        } else {
            self = .excel1900
        }
    }

    /// The smallest serial with a date: 0001-01-01 in the 1900 date base, the epoch otherwise.
    var smallestSerial: Double { self == .base1900 ? -693_593 : 0 }
}

