/// How a unit's name is compared with a name someone typed or a file was given: full-width
/// parentheses （） and half-width () are the same, so `武汉经济技术开发区管委会(汉南区人民政府)`
/// (a file named before the plan took Chinese typography, or typed on a keyboard without a
/// Chinese input method) still finds `武汉经济技术开发区管委会（汉南区人民政府）`. The one place
/// the two forms are made equal: `Plan.unit(named:)` and the merge's file-name matching use it.
public enum UnitNameMatching {
    /// The name in the form names are compared in: full-width parentheses as half-width.
    public static func comparable(_ name: String) -> String {
        guard name.contains(where: { $0 == "（" || $0 == "）" }) else { return name }
        return String(name.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 })
    }

    /// Whether two unit names are the same name, whichever parentheses each uses.
    public static func same(_ a: String, _ b: String) -> Bool { comparable(a) == comparable(b) }
}
