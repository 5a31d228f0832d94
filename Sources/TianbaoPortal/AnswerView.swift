import Foundation

/// An upload's answer read back from its JSON (the archive keeps what the unit was answered):
/// what the pages show of it.
struct AnswerView: Decodable {
    struct File: Decodable {
        var file: String
        var status: String
        var problems: [Problem]
    }
    struct Problem: Decodable {
        var severity: String
        var sheet: String?
        var cell: String?
        var rule: String
        var value: String
        var message: String
        var explained: Bool

        /// 错误, 提示 or 已说明.
        var kind: String { severity == "error" ? "错误" : explained ? "已说明" : "提示" }
        var kindClass: String { severity == "error" ? "bad" : explained ? "ok" : "warn" }
    }
    var files: [File]
    var received: String
    var late: Bool
    var stored: Bool
    var refusal: String?

    var problems: [Problem] { files.flatMap(\.problems) }

    static func read(_ json: String) -> AnswerView? {
        try? JSONDecoder().decode(AnswerView.self, from: Data(json.utf8))
    }
}
