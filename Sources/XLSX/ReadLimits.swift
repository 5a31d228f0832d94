/// Bounds that keep a hostile or broken file from exhausting memory or time.
///
/// The defaults fit any real reporting workbook many times over; callers that read very large
/// legitimate files may raise them.
public struct ReadLimits: Sendable, Equatable {
    /// Largest number of bytes one part may inflate to (the largest sheet of the public corpus
    /// is 57 MB; a 100,000-row ledger is about 50 MB).
    public var maxPartBytes: Int64 = 256 << 20
    /// Largest number of bytes all parts read from one workbook may inflate to, together.
    public var maxTotalBytes: Int64 = 1 << 30
    /// Largest ratio of inflated to compressed size for a part bigger than `ratioFloorBytes`
    /// (real sheets stay under about 150:1; deflate allows about 1000:1).
    public var maxCompressionRatio: Int64 = 250
    /// Parts smaller than this are never held to `maxCompressionRatio`.
    public var ratioFloorBytes: Int64 = 1 << 20
    /// Largest number of entries in the ZIP archive.
    public var maxEntries: Int = 100_000
    /// Deepest element nesting in any XML part.
    public var maxXMLDepth: Int = 256
    /// Longest text node or attribute value, in bytes.
    public var maxTextBytes: Int = 8 << 20
    /// Most shared strings a workbook may declare entries for.
    public var maxSharedStrings: Int = 5_000_000

    /// Parts declared at least this big are inflated and parsed on a second thread while the
    /// caller reads them (0: every part; `Int64.max`: none). Not a limit, but it belongs with
    /// how files are read.
    public var readAheadBytes: Int64 = 1 << 20

    /// Deflated parts declared at most this big are inflated in one call (libdeflate) rather
    /// than in chunks through libzip (0: none). Not a limit: it bounds the memory one part takes
    /// at once; what is read, and every error, is the same either way.
    public var wholeInflateBytes: Int64 = 16 << 20

    /// These limits with no part read ahead: for callers that already read several files at
    /// once on every core, where more threads only add work.
    public var readingOnOneThread: ReadLimits {
        var limits = self
        limits.readAheadBytes = .max
        return limits
    }

    public init() {}

    /// The defaults.
    public static let standard = ReadLimits()
}
