/// The proleptic Gregorian calendar in integer arithmetic: the one home of Tianbao's date
/// arithmetic (cell serials, plan days, saved times), with no Foundation calendar per value.
public enum CivilCalendar {
    /// Days in a month of a year (leap years by the Gregorian rule).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether year, month and day name a real date.
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// Days since 1970-01-01 of a date (H. Hinnant's days_from_civil).
    public static func unixDays(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day counted from 1970-01-01 (H. Hinnant's civil_from_days).
    public static func date(fromUnixDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// China Standard Time (UTC+8, no daylight saving), in which due dates are judged.
    public static let chinaOffsetSeconds: Int64 = 8 * 3600

    /// The local date and time of a moment (seconds since 1970-01-01 UTC) at a fixed offset.
    public static func local(unixSeconds: Int64, offsetSeconds: Int64)
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let t = unixSeconds + offsetSeconds
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secondOfDay = t - days * 86_400
        let (y, m, d) = date(fromUnixDays: days)
        return (y, m, d, Int(secondOfDay / 3600), Int(secondOfDay / 60 % 60), Int(secondOfDay % 60))
    }
}
