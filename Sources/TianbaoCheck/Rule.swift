import TianbaoPlan

/// Every rule a problem can name, in one catalogue: its stable id (the raw value, which
/// report.json, the archive and the feedback keep; docs/interfaces.md), its short Chinese name (校验问题's
/// 规则 column), its class, its severity where the rule fixes one, and its message where the
/// message never changes. Messages built from what was found come from `CheckWording` (words
/// shared with the templates' 自查 formulas) and `RuleMessages` (the checker's own), one
/// function per rule.
public enum Rule: String, CaseIterable, Sendable, CustomStringConvertible {
    // The whole file: any of these as an error makes the file unacceptable.
    case fileUnreadable = "file-unreadable"
    case notATemplate = "not-a-template"
    case wrongPlan = "wrong-plan"
    case wrongRound = "wrong-round"
    case unknownUnit = "unknown-unit"
    case badSignature = "bad-signature"
    case missingSheet = "missing-sheet"
    case headerChanged = "header-changed"
    case prefilledAltered = "prefilled-altered"
    case taskRowsAdded = "task-rows-added"
    case taskRowsDeleted = "task-rows-deleted"

    // Notes on the file or a whole sheet.
    case macrosIgnored = "macros-ignored"
    case emptySheet = "empty-sheet"
    case nilWithData = "nil-with-data"
    case minRowsPerMonth = "min-rows-per-month"

    // One cell of one row (field checks).
    case required
    case type
    case repaired
    case min
    case max
    case maxLength = "max-length"
    case pattern
    case taskRef = "task-ref"
    case oneRow = "one-row"
    case datedAfterSave = "dated-after-save"

    // The plan's row rules (`rules:` of a sheet).
    case implies
    case notAfterRoundEnd = "not-after-round-end"
    case notBefore = "not-before"
    case sum
    case range
    case unique
    case compare

    // Across rounds (the archive's checks).
    case copiedWorkbook = "copied-workbook"
    case statusWentBack = "status-went-back"
    case finishDateMoved = "finish-date-moved"
    case figureFell = "figure-fell"
    case textCopied = "text-copied"
    case jump
    case communityVanished = "community-vanished"
    case communityDuplicate = "community-duplicate"

    /// What a rule's problem does to the file and its rows.
    public enum Scope: Sendable {
        /// About the whole file: as an error it makes the file unacceptable (no row of it counts).
        case file
        /// About one row (at one of its cells): as an error it keeps that row out of the totals.
        case row
        /// About the file or a whole sheet: tells the unit, leaves the file and its rows as they are.
        case note
    }

    /// One line of the catalogue.
    public struct Entry: Sendable {
        /// Short Chinese name (`必填项未填`).
        public var name: String
        public var scope: Scope
        /// The severity the rule always has; nil when the plan's rule says (`severity:`).
        public var severity: Severity?
        /// The message, when it never depends on what was found.
        public var message: String?
    }

    /// The catalogue.
    public var entry: Entry {
        func e(_ name: String, _ scope: Scope, _ severity: Severity?, _ message: String? = nil) -> Entry {
            Entry(name: name, scope: scope, severity: severity, message: message)
        }
        switch self {
        case .fileUnreadable: return e("文件无法读取", .file, .error)
        case .notATemplate: return e("不是本期模板", .file, .error)
        case .wrongPlan: return e("方案不符", .file, .error)
        case .wrongRound: return e("轮次不符", .file, .error)
        case .unknownUnit: return e("单位无法识别", .file, .error)
        case .badSignature: return e("模板签名不符", .file, .error)
        case .missingSheet: return e("缺少工作表", .file, .error)
        case .headerChanged: return e("表头被修改", .file, .error)
        case .prefilledAltered: return e("预填内容被修改", .file, .error)
        case .taskRowsAdded: return e("任务行被增加", .file, .error)
        case .taskRowsDeleted: return e("任务行被删除", .file, .error)

        case .macrosIgnored:
            return e("宏已忽略", .note, .warning, "文件含有宏（VBA），宏已被忽略、不会运行。请使用下发的 .xlsx 模板报送。")
        case .emptySheet: return e("未填写内容", .note, .warning)
        case .nilWithData: return e("声明本期无但有数据", .note, .warning)
        case .minRowsPerMonth: return e("每月篇数不足", .note, nil)

        case .required: return e("必填项未填", .row, .error)
        case .type: return e("格式不符", .row, .error)
        case .repaired: return e("已自动更正", .row, .warning)
        case .min: return e("低于下限", .row, .error)
        case .max: return e("超过上限", .row, .error)
        case .maxLength: return e("字数超限", .row, .error)
        case .pattern: return e("格式不符", .row, .error)
        case .taskRef: return e("任务编号不符", .row, .error)
        case .oneRow: return e("只能填 1 行", .row, .error)
        case .datedAfterSave: return e("日期晚于保存时间", .row, .warning)

        case .implies: return e("关联填写要求", .row, nil)
        case .notAfterRoundEnd: return e("日期晚于本期截止", .row, nil)
        case .notBefore: return e("日期早于规定", .row, nil)
        case .sum: return e("合计不符", .row, nil)
        case .range: return e("超出范围", .row, nil)
        case .unique: return e("重复填写", .row, nil)
        case .compare: return e("审核关系不符", .row, nil)

        case .copiedWorkbook: return e("照抄上期", .note, .warning)
        case .statusWentBack: return e("状态倒退", .row, .error)
        case .finishDateMoved: return e("完工日期变动", .row, .warning)
        case .figureFell: return e("累计数减少", .row, .warning)
        case .textCopied: return e("文字照抄上期", .row, .warning)
        case .jump: return e("变化幅度过大", .row, .warning)
        case .communityVanished: return e("小区从台账消失", .note, .warning)
        case .communityDuplicate: return e("与其他单位重复填报", .row, .warning)
        }
    }

    /// Short Chinese name, as the office reads it (校验问题's 规则 column).
    public var name: String { entry.name }
    public var scope: Scope { entry.scope }
    /// The severity the rule always has, nil when the plan's rule sets it.
    public var defaultSeverity: Severity? { entry.severity }
    /// The message, when it is always the same.
    public var fixedMessage: String? { entry.message }
    /// True for rules that, as errors, make the whole file unacceptable.
    public var isFileLevel: Bool { scope == .file }

    /// The stable id (`required`), so a rule reads in text as report.json names it.
    public var description: String { rawValue }
}

extension RowRule {
    /// The rule a violation of this row rule is reported under.
    public var rule: Rule {
        switch self {
        case .implies: return .implies
        case .notAfterRoundEnd: return .notAfterRoundEnd
        case .notBefore: return .notBefore
        case .sum: return .sum
        case .range: return .range
        case .unique: return .unique
        case .minRowsPerMonth: return .minRowsPerMonth
        case .compare: return .compare
        }
    }
}
