import TianbaoPlan

/// The readable form of a plan printed by `tianbao plan show`.
enum PlanReport {
    static func render(_ plan: Plan) -> String {
        var out = "\(plan.title)（计划 \(plan.id)，版本 \(plan.version)）\n"
        out += "办公室：\(plan.office.name)，设在\(plan.unit(plan.office.hostUnit)?.name ?? plan.office.hostUnit)\n\n"

        out += "【单位】\(plan.units.count) 个\n"
        out += TextTable.render(["编号", "单位全称", "类型", "领导小组成员", "牵头任务", "责任任务"], plan.units.map { unit in
            let tasks = plan.tasks(for: unit.id)
            return [unit.id, unit.name, unit.kind.rawValue,
                    unit.members.map { "\($0.name)(\($0.title))" }.joined(separator: "、"),
                    tasks.filter { $0.role == .lead }.map(\.task.id).joined(separator: " "),
                    tasks.filter { $0.role == .responsible }.map(\.task.id).joined(separator: " ")]
        })

        out += "\n【任务】\(plan.tasks.count) 项\n"
        out += TextTable.render(["编号", "类别", "任务", "牵头单位", "责任单位数", "责任单位"], plan.tasks.map { task in
            let group = plan.taskGroup(task.group).map { "（\($0.id)）\($0.title)" } ?? task.group
            return [task.id, group, task.title, names(plan, task.lead, label: task.leadLabel),
                    String(task.responsible.count), names(plan, task.responsible, label: task.responsibleLabel)]
        })

        out += "\n【阶段】\n"
        out += TextTable.render(["阶段", "开始", "结束"], plan.phases.map { [$0.name, $0.start.description, $0.end.description] })

        out += "\n【目标】\n"
        out += TextTable.render(["目标", "数值", "期限"], plan.targets.map {
            [$0.name, "\(Int($0.value)) \($0.unit)", $0.due.description]
        })

        out += "\n【轮次】\(plan.rounds.count) 个\n"
        out += TextTable.render(["轮次", "类型", "标题", "截止日期", "重新报送截止", "报送单位", "表单"], plan.rounds.map { round in
            [round.id, round.kind.rawValue, round.title, round.due.description, round.resubmitBy?.description ?? "",
             String(plan.units(in: round).count),
             round.sheets.compactMap { plan.sheet($0)?.name }.joined(separator: "、")]
        })
        return out
    }

    /// ReportingUnit names, with a group named by its label when all of it is there.
    private static func names(_ plan: Plan, _ ids: [String], label: String) -> String {
        var remaining = ids
        var parts: [String] = []
        for group in plan.unitGroups where Set(group.units).isSubset(of: Set(remaining)) {
            remaining.removeAll { group.units.contains($0) }
            parts.append(group.label)
        }
        return (remaining.compactMap { plan.unit($0)?.name } + parts).joined(separator: "、")
    }
}
