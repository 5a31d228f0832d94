/// How a name the plan gives is compared with one someone typed or a file carries: full-width
/// parentheses （） and half-width () are the same, so `武汉经济技术开发区管委会(汉南区人民政府)`
/// (a file named before the plan took Chinese typography, or typed on a keyboard without a
/// Chinese input method) still finds `武汉经济技术开发区管委会（汉南区人民政府）`, and a plan
/// workbook's header `最大变幅(%)` is still `最大变幅（%）`. The one place the two forms are made
/// equal: `Plan.unit(named:)`, the merge's file-name matching and the plan workbook's headers.
public enum NameMatching {
    /// The name in the form names are compared in: full-width parentheses as half-width.
    public static func comparable(_ name: String) -> String {
        guard name.contains(where: { $0 == "（" || $0 == "）" }) else { return name }
        return String(name.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 })
    }

    /// Whether two names are the same, whichever parentheses each uses.
    public static func same(_ a: String, _ b: String) -> Bool { comparable(a) == comparable(b) }
}
