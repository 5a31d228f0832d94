import Foundation
import TianbaoCheck
import TianbaoSupport

/// The JSON of `tianbao check --format json`: one object with every file checked, its unit,
/// round, status and problems, keys in a fixed order. The portal answers an upload with the
/// same bytes for that file, followed by what only an upload has (`extra`: when it was
/// received, whether that was late).
public enum CheckJSON {
    /// The object, without a final line feed; `extra` writes further keys after `files`.
    public static func render(_ results: [Submission], extra: ((JSONWriter) -> Void)? = nil) -> String {
        let o = JSONWriter()
        o.object {
            o.key("files"); o.array(results) { s in
                o.object {
                    o.key("file"); o.string(s.file)
                    o.key("unit_id"); if let u = s.unit { o.string(u.id) } else { o.null() }
                    o.key("round"); if let r = s.roundId { o.string(r) } else { o.null() }
                    o.key("status"); o.string(s.fileAccepted ? "accepted" : "rejected")
                    o.key("problems"); ReportJSON.problems(s.problems, o)
                }
            }
            extra?(o)
        }
        return o.text
    }
}
