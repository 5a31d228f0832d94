import ArgumentParser
import Foundation
import TianbaoOutputs
import TianbaoSupport
import TianbaoCheck
import TianbaoPlan

/// `tianbao check FILE...`: checks returned files and prints every problem.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "校验单位报回的文件，逐条列出问题（文件、工作表、单元格、处理建议）。")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Option(help: "只接受这一轮次的模板（如 2021-06）；不指定时按文件自身标识的轮次校验。")
    var round: String?

    @Option(help: "输出格式：text 或 json。")
    var format: OutputFormat = .text

    @OptionGroup var archive: ArchiveOptions

    @Argument(help: "要校验的文件。")
    var files: [String]

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let plan = try self.plan.load()
        if let round { _ = try PlanOptions.round(round, of: plan) }
        let checker = SubmissionChecker(plan: plan, key: try key.load(create: false), round: round)
        let results = try archive.checkAcrossRounds(files.map { checker.check(path: $0) }, plan: plan)
        switch format {
        case .text:
            for s in results { print(ProblemText.fileBlock(s, plan: plan), terminator: "") }
            let bad = results.filter { !$0.fileAccepted || $0.errorCount > 0 }.count
            print("共 \(results.count) 个文件：\(results.count - bad) 个通过，\(bad) 个有错误。")
        case .json:
            print(CheckJSON.render(results))
        }
        if results.contains(where: { !$0.fileAccepted || $0.errorCount > 0 }) { throw CommandExit(.partial) }
    }
}

/// Problems as terminal text.
enum ProblemText {
    static func fileBlock(_ s: Submission, plan: Plan) -> String {
        let who = s.unit.map { "\($0.name)（\(s.roundId ?? "")）" } ?? "未识别单位"
        let verdict = !s.fileAccepted ? "✘ 退回" : (s.errorCount > 0 ? "✘ 有错误" : (s.warningCount > 0 ? "✔ 通过（有提示）" : "✔ 通过"))
        var out = "\(verdict)  \(s.file) — \(who)：\(s.errorCount) 个错误，\(s.warningCount) 个提示\n"
        for p in s.problems {
            let tag = p.severity == .error ? "错误" : (p.explained ? "已说明" : "提示")
            out += "  [\(tag)] \(p.place)  \(p.message)\n"
        }
        return out
    }
}
