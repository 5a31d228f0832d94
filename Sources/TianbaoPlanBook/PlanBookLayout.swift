import TianbaoPlan

/// Words a dropdown column offers, each standing for a code of the plan's YAML (`下拉选择` →
/// `choice`). The reader takes either; the writer writes the words.
struct Vocabulary: Sendable {
    let pairs: [(code: String, label: String)]

    var labels: [String] { pairs.map(\.label) }

    /// The code for a word or a code; nil for anything else.
    func code(_ text: String) -> String? {
        pairs.first { $0.label == text || $0.code == text }?.code
    }

    func label(_ code: String) -> String { pairs.first { $0.code == code }?.label ?? code }

    /// A loader finding about a value of this column, its allowed values said in the column's
    /// own words.
    func message(_ issue: PlanIssue) -> String {
        guard let allowed = issue.allowed else { return issue.message }
        return issue.statement + allowed.workbookText(labels: labels)
    }

    static let yesNo = Vocabulary(pairs: [("true", "是"), ("false", "否")])
    static let unitKind = Vocabulary(pairs: UnitKind.allCases.map { ($0.rawValue, $0.rawValue) })
    static let roundKind = Vocabulary(pairs: RoundKind.allCases.map { ($0.rawValue, $0.rawValue) })
    static let sheetKind = Vocabulary(pairs: [("tasks", "按任务逐行"), ("rows", "多行明细"), ("single", "单行"), ("text", "文字材料")])
    static let fieldType = Vocabulary(pairs: [
        ("text", "文字"), ("integer", "整数"), ("decimal", "小数"), ("percent", "百分比"), ("date", "日期"),
        ("choice", "下拉选择"), ("yes-no", "是否"), ("phone", "电话"), ("mobile", "手机"), ("email", "电子邮箱"),
        ("task-ref", "任务编号"),
    ])
    static let prefill = Vocabulary(pairs: [
        ("task.id", "任务编号"), ("task.group", "任务类别"), ("task.title_and_text", "任务名称和内容"), ("role", "本单位角色"),
        ("task.lead", "牵头单位"),
    ])
    static let ruleKind = Vocabulary(pairs: [
        ("implies", "条件要求"), ("not_after_round_end", "不晚于本期截止日"), ("not_before", "不早于另一日期"),
        ("sum", "分项之和"), ("range", "数值范围"), ("unique", "不得重复"), ("min_rows_per_month", "每月最少行数"),
        ("compare", "比较"),
    ])
    static let severity = Vocabulary(pairs: [("error", "错误"), ("warning", "警告")])
    static let missing = Vocabulary(pairs: [("skip", "跳过"), ("zero", "按0计"), ("error", "报错")])
    static let ruleOperator = Vocabulary(pairs: CompareRule.Operator.allCases.map { ($0.rawValue, $0.rawValue) } + [("required", "必填")])
}

/// What a column holds, for the writer's formats and the YAML's scalars.
enum ColumnKind: Sendable {
    case text
    /// Long text, wrapped.
    case longText
    case number
    case date
    /// A value from a vocabulary (a dropdown).
    case choice(Vocabulary)
    /// A value from another sheet's first column (a dropdown that also accepts other text).
    case reference(sheet: String)
}

/// One column of a plan workbook sheet.
struct PlanColumn: Sendable {
    let header: String
    let kind: ColumnKind
    let width: Double
    /// Must be filled (its header is red).
    let required: Bool
    /// The header's comment: what to write and how.
    let hint: String
    /// A last column added after plan workbooks were first written: a workbook without it
    /// (header cell empty) reads as if the column were empty.
    let added: Bool

    init(_ header: String, _ kind: ColumnKind = .text, width: Double = 12, required: Bool = false, added: Bool = false,
         _ hint: String) {
        self.header = header
        self.kind = kind
        self.width = width
        self.required = required
        self.added = added
        self.hint = hint
    }

    var vocabulary: Vocabulary? {
        if case .choice(let v) = kind { return v }
        return nil
    }
}

/// One sheet of a plan workbook: its name, columns (row 1 is the header) and what it is for.
struct PlanSheetLayout: Sendable {
    let name: String
    let purpose: String
    let columns: [PlanColumn]

    func column(_ header: String) -> Int {
        guard let i = columns.firstIndex(where: { $0.header == header }) else { preconditionFailure("no column \(header) in \(name)") }
        return i
    }
}

/// The sheets of a plan workbook, in order, and the micro-syntax of their cells. Everything a
/// YAML plan can say, the workbook can say.
enum PlanBookLayout {
    static let instructions = "填写说明"
    static let basics = "基本信息"
    static let leadingGroup = "领导小组"
    static let units = "单位"
    static let unitGroups = "单位分组"
    static let taskGroups = "任务类别"
    static let tasks = "任务"
    static let phases = "阶段"
    static let targets = "目标"
    static let choices = "下拉选项"
    static let sheets = "表单"
    static let fields = "字段"
    static let rules = "规则"
    static let rounds = "轮次"
    static let outputs = "输出声明"

    static let listHint = "多个时用“、”分隔，或每行一个。"
    static let unitListHint = "填单位全称或单位分组名称（如“各区人民政府”），" + listHint

    /// Every data sheet, in workbook order (填写说明 comes first and is not read).
    static let all: [PlanSheetLayout] = [
        PlanSheetLayout(name: basics, purpose: "计划编号、版本、名称，办公室和简报的信息（每行一项）", columns: [
            PlanColumn("项目", width: 16, required: true, "这一列的项目名称不要修改。"),
            PlanColumn("内容", .longText, width: 60, "填写本项的内容。"),
            PlanColumn("说明", .longText, width: 44, "填写提示，读取时不使用。"),
        ]),
        PlanSheetLayout(name: leadingGroup, purpose: "领导小组的组长、副组长等", columns: [
            PlanColumn("角色", width: 10, "如：组长、副组长。"),
            PlanColumn("姓名", width: 12, required: true, "领导小组成员的姓名。"),
            PlanColumn("职务", width: 30, required: true, "如：市人民政府副市长。"),
        ]),
        PlanSheetLayout(name: units, purpose: "报送单位，每行一个", columns: [
            PlanColumn("编号", width: 12, required: true, "单位的英文编号，只能包含英文字母、数字、_ 和 -，确定后不要再改（模板和签名都用它）。"),
            PlanColumn("单位全称", width: 36, required: true, "单位的正式全称，不能重复，也不能包含 / 或 \\。"),
            PlanColumn("类型", .choice(.unitKind), width: 10, required: true, "市直部门、区、功能区或企业（区和功能区为区级单位）。"),
            PlanColumn("领导小组成员", .longText, width: 36, "本单位的领导小组成员，写成“姓名（职务）”，多人时每行一个。"),
        ]),
        PlanSheetLayout(name: unitGroups, purpose: "单位分组（如“各区人民政府”），任务、表单和轮次可以用分组名称代替一组单位", columns: [
            PlanColumn("编号", width: 12, required: true, "分组的英文编号。"),
            PlanColumn("名称", width: 24, required: true, "分组名称，如“各区人民政府”；在任务、表单、轮次中用它代表全部成员单位。"),
            PlanColumn("单位", .longText, width: 70, required: true, "分组中的单位全称，" + listHint),
        ]),
        PlanSheetLayout(name: taskGroups, purpose: "任务的类别（如“一、形成共识统筹推动”）", columns: [
            PlanColumn("编号", width: 10, required: true, "类别编号，如“一”。"),
            PlanColumn("名称", width: 30, required: true, "类别名称。"),
        ]),
        PlanSheetLayout(name: tasks, purpose: "任务分解：每项任务的牵头单位和责任单位", columns: [
            PlanColumn("编号", width: 8, required: true, "任务编号，形如 1.1（请保持文本格式）。"),
            PlanColumn("类别", .reference(sheet: taskGroups), width: 8, required: true, "任务类别的编号（见“任务类别”表）。"),
            PlanColumn("标题", width: 20, required: true, "任务的简短标题。"),
            PlanColumn("内容", .longText, width: 50, "任务的具体内容。"),
            PlanColumn("牵头单位", .longText, width: 24, required: true, unitListHint),
            PlanColumn("责任单位", .longText, width: 36, unitListHint),
            PlanColumn("成果", .longText, width: 24, "任务的成果（文件、规划等），每行一个。"),
            PlanColumn("完成时限", .date, width: 12, "日期，如 2021-12-31；没有时限则留空。"),
        ]),
        PlanSheetLayout(name: phases, purpose: "工作阶段", columns: [
            PlanColumn("编号", width: 12, required: true, "阶段的英文编号。"),
            PlanColumn("名称", width: 20, required: true, "阶段名称。"),
            PlanColumn("开始日期", .date, width: 12, required: true, "日期，如 2021-02-01。"),
            PlanColumn("结束日期", .date, width: 12, required: true, "日期，不能早于开始日期。"),
        ]),
        PlanSheetLayout(name: targets, purpose: "目标：从某张表中状态为某值的行数统计完成情况", columns: [
            PlanColumn("编号", width: 14, required: true, "目标的英文编号。"),
            PlanColumn("名称", width: 24, required: true, "目标名称，如“完成老旧小区改造”。"),
            PlanColumn("目标值", .number, width: 10, required: true, "数字。"),
            PlanColumn("计量单位", width: 10, "如“个”。"),
            PlanColumn("期限", .date, width: 12, required: true, "日期。"),
            PlanColumn("统计表单", .reference(sheet: sheets), width: 12, required: true, "统计哪张表（填“表单”表中的编号）。"),
            PlanColumn("统计字段", width: 12, required: true, "统计该表的哪个字段（字段编号）。"),
            PlanColumn("统计值", width: 12, required: true, "该字段等于哪个值的行计入完成数，如“已完工”。"),
            PlanColumn("分解目标", .longText, width: 30, added: true,
                       "各单位分担的目标值（分解目标），每行一个，写成“单位全称：数值”，如“江岸区人民政府：25”。"
                       + "只能分给填报统计表单的单位；不分解则留空，简报和回头看就不判断各单位的进度快慢。"),
        ]),
        PlanSheetLayout(name: choices, purpose: "下拉选项：字段的可选值", columns: [
            PlanColumn("编号", width: 18, required: true, "选项表的英文编号，在“字段”表的“下拉选项”列中引用。"),
            PlanColumn("选项", .longText, width: 70, required: true, "可选值，" + listHint),
        ]),
        PlanSheetLayout(name: sheets, purpose: "各单位填报的表，每行一张；它们的列见“字段”表，审核规则见“规则”表", columns: [
            PlanColumn("编号", width: 14, required: true, "表的英文编号。"),
            PlanColumn("名称", width: 14, required: true, "工作表名称（不超过 31 个字），不能用 总览、报送情况、任务矩阵、校验问题、填报说明、字典。"),
            PlanColumn("类型", .choice(.sheetKind), width: 12, required: true, "按任务逐行：每项任务一行并预填；多行明细：若干空行；单行：只填一行；文字材料：每个字段一段文字。"),
            PlanColumn("标题", width: 36, "表头上方的标题；留空则用名称。"),
            PlanColumn("适用单位", .longText, width: 30, "只发给哪些单位；留空则发给全部单位。" + unitListHint),
            PlanColumn("行数", .number, width: 8, "多行明细表提供的空行数（1 到 10000）。"),
            PlanColumn("带入上期", .choice(.yesNo), width: 8, "是：下一轮的模板预先填入各单位上一轮通过校验的行（可修改），只适用于多行明细表和单行表；留空为否。"),
        ]),
        PlanSheetLayout(name: fields, purpose: "各表的列（字段），按表和顺序排列，每行一个", columns: [
            PlanColumn("表单", .reference(sheet: sheets), width: 14, required: true, "字段属于哪张表（“表单”表中的编号）；同一张表的字段按行的先后排列。"),
            PlanColumn("编号", width: 14, required: true, "字段的英文编号，在同一张表中不能重复。"),
            PlanColumn("名称", width: 18, required: true, "列标题。"),
            PlanColumn("类型", .choice(.fieldType), width: 10, required: true, "文字、整数、小数、百分比、日期、下拉选择、是否、电话、手机、电子邮箱、任务编号。"),
            PlanColumn("必填", .choice(.yesNo), width: 6, "是或否。"),
            PlanColumn("最小值", .number, width: 11, "数字字段的下限，或日期字段的最早日期。"),
            PlanColumn("最大值", .number, width: 11, "数字字段的上限，或日期字段的最晚日期。"),
            PlanColumn("最大长度", .number, width: 8, "文字的最多字数。"),
            PlanColumn("下拉选项", .reference(sheet: choices), width: 16, "下拉选择字段的选项表编号（见“下拉选项”表）。"),
            PlanColumn("预填", .choice(.prefill), width: 14, "按任务逐行的表中，由模板预先填好的内容。"),
            PlanColumn("格式", width: 14, "文字须符合的正则表达式（高级用法，一般留空）。"),
            PlanColumn("列宽", .number, width: 6, "模板中的列宽（字符数）。"),
            PlanColumn("最大变幅（%）", .number, width: 10, "数字与本单位上期相比的最大变化幅度（百分比，如 30），超过时提示。"),
            PlanColumn("累计数", .choice(.yesNo), width: 6, "是：累计数，只增不减，比本单位上期减少时提示；留空为否。"),
        ]),
        PlanSheetLayout(name: rules, purpose: "审核规则（表内、表间审核），每行一条", columns: [
            PlanColumn("表单", .reference(sheet: sheets), width: 12, required: true, "规则属于哪张表（“表单”表中的编号）。"),
            PlanColumn("规则类型", .choice(.ruleKind), width: 14, required: true,
                       "条件要求：条件成立时“左边”字段须等于“右边”或必填；不晚于本期截止日：左边日期字段；不早于另一日期：左边不早于右边；分项之和：左边各字段之和等于右边字段；数值范围：左边在最小值与最大值之间；不得重复：左边字段不重复；每月最少行数：左边日期字段每月至少“最小值”行；比较：左边与右边按比较符比较。"),
            PlanColumn("级别", .choice(.severity), width: 6, "错误（退回修改）或警告（可在“说明”中解释）；留空为错误。"),
            PlanColumn("条件", .longText, width: 18, "写成“字段=值”：条件要求的前提，或比较规则只检查的行；留空为全部行。"),
            PlanColumn("左边", .longText, width: 28, required: true, "字段编号；比较规则还可写数字、求和（表单.字段）、求和（表单.字段，字段=值）、计数（表单）、计数（表单，字段=值）。分项之和写多个字段，用“、”分隔。"),
            PlanColumn("比较符", .choice(.ruleOperator), width: 8, "比较规则：= != < <= > >=；条件要求：= 或 必填。"),
            PlanColumn("右边", .longText, width: 28, "与左边写法相同；条件要求写应等于的值；不早于另一日期写另一日期字段；分项之和写合计字段。"),
            PlanColumn("最小值", .number, width: 8, "数值范围的下限；每月最少行数的行数。"),
            PlanColumn("最大值", .number, width: 8, "数值范围的上限。"),
            PlanColumn("缺值处理", .choice(.missing), width: 9, "比较规则中一边没有值时：跳过、按0计、报错；留空为跳过。"),
            PlanColumn("提示信息", .longText, width: 50, required: true, "规则不满足时给填报单位看的话。"),
        ]),
        PlanSheetLayout(name: rounds, purpose: "报送轮次：每轮的日期和要填的表", columns: [
            PlanColumn("编号", width: 10, required: true, "轮次编号，如 2021-06（请保持文本格式）。"),
            PlanColumn("类型", .choice(.roundKind), width: 10, required: true, "方案备案、月调度、半年小结、年度总结。"),
            PlanColumn("标题", width: 22, "轮次标题。"),
            PlanColumn("开始日期", .date, width: 12, required: true, "日期。"),
            PlanColumn("截止日期", .date, width: 12, required: true, "报送截止日期，不能早于开始日期。"),
            PlanColumn("表单", .longText, width: 44, required: true, "本轮要填的表（“表单”表中的编号或名称），按模板中的顺序，" + listHint),
            PlanColumn("报送单位", .longText, width: 24, "本轮只由哪些单位报送；留空则为全部单位。" + unitListHint),
            PlanColumn("重新报送截止", .date, width: 12, added: true,
                       "文件有误的单位按反馈表修改后重新报送的截止日期，写在反馈表中；不能早于截止日期。可不填（汇总时可用 --resubmit-by 指定）。"),
        ]),
        PlanSheetLayout(name: outputs, purpose: "输出声明：汇总表、简报中特别处理的表和字段（可不填）", columns: [
            PlanColumn("声明", width: 10, required: true, "称呼、进展表、台账1（台账2……）、联络表、宣传表、小结表。"),
            PlanColumn("项目", width: 16, required: true, "见“说明”列。"),
            PlanColumn("内容", .longText, width: 40, "表单编号、字段编号或文字。"),
            PlanColumn("说明", .longText, width: 50, "填写提示，读取时不使用。"),
        ]),
    ]

    static func layout(_ name: String) -> PlanSheetLayout { all.first { $0.name == name }! }

    /// The 基本信息 items: the label in column A and its YAML path.
    static let basicItems: [(label: String, key: String, kind: ColumnKind, hint: String)] = [
        ("计划编号", "plan", .text, "计划的英文编号，只能包含英文字母、数字、-、_ 和 .；模板和归档都用它识别计划。"),
        ("版本", "version", .text, "计划的版本号，如 2021.1；改动计划后请改版本号，旧模板将不再被接受。"),
        ("计划名称", "title", .longText, "计划（工作方案）的全称。"),
        ("事由", "subject", .longText, "如建议案、议案的题目。"),
        ("印发日期", "issued", .date, "日期，如 2021-03-13。"),
        ("办公室名称", "office.name", .text, "牵头办公室的名称，出现在模板和简报中。"),
        ("办公室所在单位", "office.host_unit", .text, "办公室设在哪个单位（单位全称）。"),
        ("办公室主任", "office.director", .text, "姓名。"),
        ("办公室联系人", "office.contact", .text, "联系人或联系部门。"),
        ("办公室电话", "office.phone", .text, "联系电话（请保持文本格式）。"),
        ("办公室邮箱", "office.email", .text, "电子邮箱。"),
        ("简报报头", "briefing.masthead", .text, "工作简报的红色报头，如“老旧小区改造工作简报”。"),
        ("简报起始期号", "briefing.first_issue", .number, "计划第一个轮次的简报期号（正整数）。"),
        ("简报报送", "briefing.send_to", .longText, "简报报送的领导和单位，每行一个。"),
        ("简报抄送", "briefing.copy_to", .longText, "简报抄送的单位，每行一个。"),
    ]

    /// The 输出声明 declarations and their items: label, YAML key, hint.
    static let outputItems: [(declaration: String, key: String, items: [(label: String, key: String, hint: String)])] = [
        ("称呼", "words", [
            ("全体称呼", "whole", "目标前对全体的称呼，如“全市”。"),
            ("单位统称", "units", "简报对各单位的统称，如“各区”。"),
            ("目标标题", "targets_heading", "简报中目标部分的标题，如“改造目标进度”。"),
        ]),
        ("进展表", "progress", [
            ("表单", "sheet", "任务进展表的编号（progress.sheet）。"),
            ("任务字段", "task", "任务编号字段（progress.task）。"),
            ("状态字段", "status", "进展状态字段，须为下拉选择（progress.status）。"),
            ("进度字段", "percent", "完成进度字段（progress.percent）。"),
            ("问题字段", "problems", "存在问题字段（progress.problems）。"),
            ("计划字段", "next", "下步计划字段，整改清单的措施取自这里（progress.next）。"),
            ("完成状态", "done", "表示已完成的状态值（progress.done）。"),
            ("滞后状态", "lagging", "表示滞后的状态值（progress.lagging）。"),
            ("未启动状态", "not_started", "表示未启动的状态值（progress.not_started）。"),
        ]),
        ("台账", "ledgers", [
            ("表单", "sheet", "台账表的编号；每个台账的第一项（ledgers.sheet）。"),
            ("名称", "label", "台账中一项的名称，如“小区”“管段”（ledgers.label）。"),
            ("量词", "counter", "如“个”“段”（ledgers.counter）。"),
            ("计数标题", "count_label", "项目数的标题，如“台账小区”（ledgers.count_label）。"),
            ("台账称呼", "called", "简报对台账的称呼，如“台账”（ledgers.called）。"),
            ("单位列标题", "unit_label", "报送单位的列标题，如“区”（ledgers.unit_label）。"),
            ("状态字段", "status", "状态字段，须为下拉选择（ledgers.status）。"),
            ("完成状态", "done", "计为完成的状态值，如“已完工”（ledgers.done）。"),
            ("未开工状态", "not_started", "表示未开工的状态值（ledgers.not_started）。"),
            ("目标", "target", "从本台账统计的目标编号（ledgers.target）。"),
            ("名称字段", "name", "项目名称字段（ledgers.name）。"),
            ("金额字段", "money.total", "总金额字段（ledgers.money.total）。"),
            ("金额单位", "money.unit", "如“万元”（ledgers.money.unit）。"),
            ("来源标题", "money.parts_label", "如“资金来源”（ledgers.money.parts_label）。"),
            ("来源字段", "money.parts", "各资金来源字段，用“、”分隔（ledgers.money.parts）。"),
            ("合计来源名称", "money.share.label", "简报中合并说明的几项来源的名称（ledgers.money.share.label）。"),
            ("合计来源字段", "money.share.parts", "合并说明的来源字段，用“、”分隔（ledgers.money.share.parts）。"),
            ("附加统计", "extras", "简报中合计的数字字段，写成“字段=名称（单位）”，每个一行（ledgers.extras）。"),
            ("催办语", "urge", "完成不足一半时简报加的一句话，{percent} 处换成完成率（ledgers.urge）。"),
        ]),
        ("联络表", "liaison", [
            ("表单", "sheet", "联络员表的编号（liaison.sheet）。"),
            ("姓名字段", "name", "联络员姓名字段（liaison.name）。"),
            ("职务字段", "title", "职务字段（liaison.title）。"),
            ("电话字段", "phone", "办公电话字段（liaison.phone）。"),
            ("手机字段", "mobile", "手机字段（liaison.mobile）。"),
        ]),
        ("宣传表", "publicity", [
            ("表单", "sheet", "宣传信息表的编号（publicity.sheet）。"),
            ("日期字段", "date", "报送日期字段（publicity.date）。"),
            ("每月最少条数", "per_month_min", "每月至少报送的条数（publicity.per_month_min）。"),
        ]),
        ("小结表", "summary", [
            ("表单", "sheet", "工作小结表的编号（summary.sheet）。"),
            ("问题字段", "problems", "存在问题字段（summary.problems）。"),
            ("做法字段", "practice", "主要做法字段（summary.practice）。"),
            ("打算字段", "plans", "下步打算字段，整改清单的措施取自这里（summary.plans）。"),
        ]),
        ("指标表", "indicators", [
            ("表单", "sheet", "量化指标表的编号（indicators.sheet）。"),
            ("名称字段", "name", "指标名称字段（indicators.name）。"),
            ("单位字段", "unit", "计量单位字段（indicators.unit）。"),
            ("目标字段", "target", "年度目标值字段，须为数字（indicators.target）。"),
            ("完成字段", "done", "累计完成值字段，须为数字（indicators.done）。"),
            ("任务字段", "task", "关联任务编号字段（indicators.task）。"),
            ("时限字段", "due", "完成时限字段，须为日期（indicators.due）。"),
        ]),
    ]
}
