import ArgumentParser
import Foundation
import TianbaoSupport
import TianbaoCheck
import TianbaoMerge
import TianbaoPlan
import TianbaoTemplates

/// `tianbao merge DIR --round R --out OUT`: checks and merges a round.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "校验并汇总一轮报送:生成汇总表、简报、各单位反馈表和 report.json。")

    @OptionGroup var options: RoundOptions

    @Option(help: "输出文件夹。")
    var out: String

    func run() throws {
        let (round, merger) = try options.prepare()
        let folder = options.folder
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        let inURL = URL(fileURLWithPath: folder).standardizedFileURL
        if outURL.path == inURL.path || outURL.path.hasPrefix(inURL.path + "/") {
            printError("错误:输出文件夹不能放在报送文件夹“\(folder)”之内(否则输出会被当作报送文件读取)。")
            throw CommandExit(.usage)
        }
        Timings.reset()
        // The consolidated workbook is written while the files are checked (units in plan
        // order); if a file named after one unit belongs to another, it is written again.
        do {
            try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        } catch {
            printError("错误:无法创建输出文件夹“\(out)”。")
            throw CommandExit(.usage)
        }
        var writer: ConsolidatedWorkbookWriter? = try MergeOutputs.startWorkbook(
            plan: merger.plan, round: round, sourceFolder: inURL, out: outURL)
        let (result, held) = try merger.merge(folder: folder, round: round) { unit, submission in
            try writer?.add(unit, submission)
        }
        Timings.mark("read and checked" + (held ? "" : " (workbook to be written again)"))
        if !held { writer = nil }
        let written = try MergeOutputs.write(result, key: merger.checker.key, sourceFolder: inURL, to: outURL, streamed: writer)
        print(Summary.text(result))
        print("输出文件:")
        for path in written { print("  " + path) }
        let clean = result.totals.missing == 0 && result.totals.rejected == 0
            && !result.files.contains { $0.status == .rejected }
            && !result.problems.contains { $0.severity == .error }
        if !clean { throw CommandExit(.partial) }
    }
}

/// `tianbao status DIR --round R`: the 催报 list.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "催报清单:谁已报送、谁未报送、谁迟报、谁有错误,以及各单位联络员和电话。")

    @OptionGroup var options: RoundOptions

    @Option(help: "输出格式:text 或 json。")
    var format: CheckCommand.OutputFormat = .text

    func run() throws {
        let (round, merger) = try options.prepare()
        let result = try merger.merge(folder: options.folder, round: round)
        switch format {
        case .text:
            print(Summary.text(result))
            let rows = result.units.map { u -> [String] in
                let l = u.liaison(in: result.plan)
                let contact = l.map { [$0.name, $0.mobile.isEmpty ? $0.phone : $0.mobile] }
                    ?? [u.unit.members.first.map { "\($0.name)(领导小组成员)" } ?? "", ""]
                return [u.unit.name, ConsolidatedWorkbook.statusWord(u), u.submission?.file ?? "",
                        u.submission.map { "\($0.errorCount)/\($0.warningCount)" } ?? "", contact[0], contact[1]]
            }
            print(TextTable.render(["单位", "状态", "文件", "错误/提示", "联络员", "电话"], rows), terminator: "")
        case .json:
            let o = JSONWriter()
            o.object {
                o.key("round"); o.string(round.id)
                o.key("units"); o.array(result.units) { u in
                    o.object {
                        o.key("unit_id"); o.string(u.unit.id)
                        o.key("unit"); o.string(u.unit.name)
                        o.key("state"); o.string(ConsolidatedWorkbook.statusWord(u))
                        o.key("status"); o.string(u.status.rawValue)
                        o.key("late"); o.bool(u.late)
                        o.key("file"); if let s = u.submission { o.string(s.file) } else { o.null() }
                        o.key("errors"); o.int(u.submission?.errorCount ?? 0)
                        o.key("warnings"); o.int(u.submission?.warningCount ?? 0)
                        let l = u.liaison(in: result.plan)  // read once: the rows may come back from the spill
                        o.key("liaison"); if let l { o.string(l.name) } else { o.null() }
                        o.key("phone"); if let l { o.string(l.mobile.isEmpty ? l.phone : l.mobile) } else { o.null() }
                    }
                }
            }
            print(o.text)
        }
        if result.totals.missing > 0 || result.totals.rejected > 0 { throw CommandExit(.partial) }
    }
}

/// The submissions folder, the round, the plan and the key: what `merge` and `status` share.
struct RoundOptions: ParsableArguments {
    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Argument(help: "存放各单位报回文件的文件夹。")
    var folder: String

    @Option(help: "轮次编号,如 2021-06。")
    var round: String

    /// The round and a merger for it; usage and plan errors end the command with status 2.
    func prepare() throws -> (Round, RoundMerger) {
        let plan = try self.plan.load()
        let round = try PlanOptions.round(self.round, of: plan)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            printError("错误:报送文件夹“\(folder)”不存在。")
            throw CommandExit(.usage)
        }
        let checker = SubmissionChecker(plan: plan, key: try key.load(create: false), round: round.id)
        return (round, RoundMerger(checker: checker))
    }
}

/// One paragraph for the terminal.
enum Summary {
    static func text(_ r: RoundResult) -> String {
        let t = r.totals
        return "轮次 \(r.round.id)(截止 \(r.round.due)):应报 \(t.expected),已报送 \(t.accepted)(迟报 \(t.late)),"
            + "被退回 \(t.rejected),未报送 \(t.missing);读取 \(t.rowsRead) 行,汇总 \(t.rowsMerged) 行,退回 \(t.rowsRejected) 行。"
    }
}
