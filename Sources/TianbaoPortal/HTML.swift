import TianbaoSupport

/// A fragment of HTML. Text interpolated into it is escaped (`&`, `<`, `>`, `"`, `'`), so every
/// unit-written text (a liaison's name, a checker's message quoting a cell) reaches a page as
/// text; only another `HTML` value is inserted as markup. The one escaping function of the portal.
///
/// Why not a template engine (swift-mustache): the pages are a few tables and forms built from
/// typed values, and a type that escapes by default makes forgetting to escape a compile error
/// rather than a review finding, without a second language to read.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var markup: String

    public init(markup: String) { self.markup = markup }
    public init(stringLiteral value: String) { markup = value }
    public init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }
    public var description: String { markup }

    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""
        public init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { markup += literal }
        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        /// A number.
        public mutating func appendInterpolation(_ n: Int) { markup += String(n) }
        /// Markup: inserted as it is.
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        /// Markup fragments, one after another.
        public mutating func appendInterpolation(_ list: [HTML]) { for h in list { markup += h.markup } }
    }

    /// Escapes text for an element's content or a quoted attribute value.
    public static func escape(_ text: String) -> String { HTMLText.escaped(text) }
}
