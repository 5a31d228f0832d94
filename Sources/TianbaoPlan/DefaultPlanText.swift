// Generated from plans/default.yaml by `make embed-plan`; a test keeps the two identical.
// Do not edit by hand.

/// The default plan, embedded in the binary.
enum DefaultPlanText {
    static let yaml = #"""
# Tianbao plan: 市政协第十三届五次会议2号建议案办理工作方案 (武汉市人民政府办公厅 2021-03-13).
# This is the default plan embedded in the tianbao binary (Sources/TianbaoPlan/Resources holds
# the same bytes; a test keeps them identical). Check a plan with: tianbao plan check FILE
plan: cppcc-13-5-proposal-2
version: "2021.2"
title: 市政协第十三届五次会议2号建议案办理工作方案
subject: 关于加快老旧小区改造进一步提升城市品质的建议案
issued: 2021-03-13
office:
  name: 2号建议案办理工作领导小组办公室
  host_unit: fgj
  director: 汪普查
  contact: 领导小组办公室综合组
  phone: "027-85000000"
  email: ldxzbgs@example.gov.cn

# The briefing (工作简报): red masthead, 期号 counted from the plan's first round, and the
# 报送/抄送 lines printed at its end. Optional; without it the masthead is “工作简报”.
briefing:
  masthead: 老旧小区改造工作简报
  first_issue: 1
  send_to: [市人民政府张文彤副市长, 市人民政府张卫国副秘书长, 市政协办公厅]
  copy_to: [领导小组各成员单位, 各区人民政府（管委会）]

# What the outputs treat specially (optional): the progress sheet and its status words, the
# ledgers counted against targets (with money and its sources), the liaison, the publicity
# items counted by month, the summary quoted, the indicators units set themselves, and how the
# briefing speaks of the whole.
outputs:
  words: {whole: 全市, units: 各区, targets_heading: 改造目标进度}
  progress: {sheet: progress, task: task, status: status, percent: percent, problems: problems, next: next, done: 已完成, lagging: 滞后, not_started: 未启动}
  ledgers:
    - sheet: ledger
      label: 小区
      counter: 个
      count_label: 台账小区
      called: 台账
      unit_label: 区
      status: status
      done: 已完工
      not_started: 未开工
      target: communities
      name: name
      money:
        total: invest
        unit: 万元
        parts_label: 资金来源
        parts: [src_central, src_province, src_city, src_district, src_bond, src_social, src_residents, src_utilities]
        share: {label: 社会资本、居民出资和专营单位出资, parts: [src_social, src_residents, src_utilities]}
      extras: [{field: elevators, label: 加装电梯, unit: 部}, {field: parking, label: 新增停车位, unit: 个}]
      urge: "年度改造目标完成率 {percent}，请各区加快在建项目进度、尽快开工未开工项目。"
  liaison: {sheet: liaison, name: name, title: title, phone: office_phone, mobile: mobile}
  publicity: {sheet: publicity, date: date, per_month_min: 1}
  summary: {sheet: summary, problems: problems, practice: practice, plans: plans}
  indicators: {sheet: indicators, name: name, unit: unit, target: target, done: done, task: task, due: deadline}

leading_group:
  - {role: 组长, name: 张文彤, title: 市人民政府副市长}
  - {role: 副组长, name: 张卫国, title: 市人民政府副秘书长}
  - {role: 副组长, name: 汪普查, title: 市住房保障房管局局长}

# Units: stable ASCII id, full name as in the seed, kind (市直部门 / 区 / 功能区 / 企业), and the
# leading-group member(s) for the unit where the roster names one.
units:
  - {id: zfw, name: 市委政法委, kind: 市直部门}
  - {id: fgw, name: 市发展改革委, kind: 市直部门, members: [{name: 刘新华, title: 副主任}]}
  - {id: jyj, name: 市教育局, kind: 市直部门, members: [{name: 王池富, title: 副局长}]}
  - {id: jxj, name: 市经济和信息化局, kind: 市直部门, members: [{name: 祝方东, title: 副局长}]}
  - {id: gaj, name: 市公安局, kind: 市直部门, members: [{name: 夏俊, title: 副局长}]}
  - {id: mzj, name: 市民政局, kind: 市直部门, members: [{name: 孙家同, title: 二级巡视员}]}
  - {id: czj, name: 市财政局, kind: 市直部门, members: [{name: 陈俊, title: 副局长}]}
  - {id: zrzyghj, name: 市自然资源和规划局, kind: 市直部门, members: [{name: 田燕, title: 总工程师}]}
  - {id: cxjsj, name: 市城乡建设局, kind: 市直部门, members: [{name: 向晖, title: 副局长}]}
  - {id: cgzfw, name: 市城管执法委, kind: 市直部门, members: [{name: 罗辉权, title: 副主任}]}
  - {id: swj, name: 市水务局, kind: 市直部门, members: [{name: 祝杰, title: 副局长}]}
  - {id: whlyj, name: 市文化和旅游局, kind: 市直部门, members: [{name: 张宏斌, title: 副局长}]}
  - {id: wjw, name: 市卫生健康委, kind: 市直部门, members: [{name: 高惠祥, title: 二级巡视员}]}
  - {id: yjglj, name: 市应急管理局, kind: 市直部门, members: [{name: 张伏峰, title: 副局长}]}
  - {id: gzw, name: 市国资委, kind: 市直部门, members: [{name: 曹非, title: 副主任}]}
  - {id: fgj, name: 市住房保障房管局, kind: 市直部门, members: [{name: 汪普查, title: 局长}, {name: 邓绪海, title: 总工程师}]}
  - {id: scjgj, name: 市市场监管局, kind: 市直部门, members: [{name: 周军, title: 副局长}]}
  - {id: tyj, name: 市体育局, kind: 市直部门, members: [{name: 颜璠, title: 副局长}]}
  - {id: tjj, name: 市统计局, kind: 市直部门, members: [{name: 蒋于, title: 副局长}]}
  - {id: yllyj, name: 市园林和林业局, kind: 市直部门, members: [{name: 郑忠明, title: 总工程师}]}
  - {id: jrj, name: 市地方金融工作局, kind: 市直部门, members: [{name: 阎鸿, title: 一级调研员}]}
  - {id: zwfwj, name: 市政务服务和大数据管理局, kind: 市直部门, members: [{name: 吴福生, title: 副局长}]}
  - {id: swuj, name: 市税务局, kind: 市直部门, members: [{name: 黄罗俊, title: 副局长}]}
  - {id: txglj, name: 市通信管理局, kind: 市直部门, members: [{name: 易武, title: 局长}]}
  - {id: xfzd, name: 市消防救援支队, kind: 市直部门, members: [{name: 罗洪波, title: 副支队长}]}
  - {id: gdgs, name: 武汉供电公司, kind: 企业, members: [{name: 李智欣, title: 配网建设中心副主任}]}
  - {id: dhgx, name: 武汉东湖新技术开发区管委会, kind: 功能区, members: [{name: 关维强, title: 副主任}]}
  - {id: jkq, name: 武汉经济技术开发区管委会（汉南区人民政府）, kind: 功能区, members: [{name: 王洋, title: 副主任（副区长）}]}
  - {id: lkg, name: 武汉临空港经济技术开发区管委会（东西湖区人民政府）, kind: 功能区, members: [{name: 冷莹, title: 党组成员}]}
  - {id: dhfjq, name: 市东湖生态旅游风景区管委会, kind: 功能区, members: [{name: 甄别, title: 副主任}]}
  - {id: jiangan, name: 江岸区人民政府, kind: 区, members: [{name: 熊俊, title: 副区长}]}
  - {id: jianghan, name: 江汉区人民政府, kind: 区, members: [{name: 许光辉, title: 副区长}]}
  - {id: qiaokou, name: 硚口区人民政府, kind: 区, members: [{name: 徐岗, title: 副区长}]}
  - {id: hanyang, name: 汉阳区人民政府, kind: 区, members: [{name: 蔡松, title: 副区长}]}
  - {id: wuchang, name: 武昌区人民政府, kind: 区, members: [{name: 胡剑, title: 副区长}]}
  - {id: hongshan, name: 洪山区人民政府, kind: 区, members: [{name: 李田, title: 副区长}]}
  - {id: qingshan, name: 青山区人民政府, kind: 区, members: [{name: 刘震, title: 区委常委、统战部部长}]}
  - {id: caidian, name: 蔡甸区人民政府, kind: 区, members: [{name: 吕文飞, title: 副区长}]}
  - {id: jiangxia, name: 江夏区人民政府, kind: 区, members: [{name: 张湖林, title: 副区长}]}
  - {id: huangpi, name: 黄陂区人民政府, kind: 区, members: [{name: 邱昌春, title: 副区长}]}
  - {id: xinzhou, name: 新洲区人民政府, kind: 区, members: [{name: 邓辉, title: 副区长}]}

# "各区人民政府(含开发区、风景区管委会,下同)": every district-level unit.
unit_groups:
  districts:
    label: 各区人民政府
    units: [jiangan, jianghan, qiaokou, hanyang, wuchang, hongshan, qingshan, caidian, jiangxia, huangpi, xinzhou, dhgx, jkq, lkg, dhfjq]

task_groups:
  - {id: "一", title: 形成共识统筹推动}
  - {id: "二", title: 完善规划改造模式}
  - {id: "三", title: 积极引导社会资本参与}
  - {id: "四", title: 构建后续管养长效机制}

tasks:
  - id: "1.1"
    group: "一"
    title: 优化顶层设计
    text: 充分发挥市、区老旧小区改造指挥部的统筹协调作用，完善部门协同工作机制，坚持以人为本，制订出台我市老旧小区改造实施意见，通过优化制度设计保障老旧小区改造取得实效。
    lead: [fgj]
    responsible: [zfw, fgw, jyj, jxj, gaj, mzj, czj, zrzyghj, cxjsj, cgzfw, swj, whlyj, wjw, yjglj, gzw, scjgj, tyj, tjj, yllyj, jrj, zwfwj, swuj, txglj, xfzd, gdgs, group:districts]
    deliverables: [老旧小区改造实施意见]
  - id: "1.2"
    group: "一"
    title: 动员居民参与
    text: 广泛开展“美好环境与幸福生活共同缔造”活动，加大正面典型宣传力度，激发居民参与老旧小区改造的主动性、积极性，充分调动老旧小区关联单位和社会力量支持、参与改造。
    lead: [mzj]
    responsible: [fgj, group:districts]
  - id: "1.3"
    group: "一"
    title: 搭建议事平台
    text: 运用“互联网+共建共治共享”等线上线下手段，通过召开社区听证会、居民议事会、居民代表大会以及武汉微邻里、社区APP等多种形式了解居民需求，开展沟通协商。注重引入规划设计团队和社会组织孵化机构，开展老旧小区改造规划征集、方案公示等工作，做到改造前问需于民、改造中问计于民、改造后问效于民，形成自上而下和自下而上相互融合的工作机制，将“以人为本”贯彻到规划、建设、监管、验收、评价等各个环节。
    lead: [group:districts]
    responsible: [mzj, zrzyghj, cxjsj, fgj]
  - id: "2.1"
    group: "二"
    title: 科学编制规划
    text: 通过摸底调查及资源整合，突出“留改拆建控”并举，全面摸清老旧小区基本情况，按照实施一批、谋划一批、储备一批的原则，综合考虑土地功能置换、产业提升、空间优化、历史文化保护等维度，积极推进片区联动改造，统筹实施老旧小区改造，大力推进城市更新、历史文化街区保护等项目，整体提升老旧小区内以及与之相关联的街区环境、功能和形象。2021年内完成《武汉市老旧小区改造“十四五”规划》编制工作，制订分年度计划目标。
    lead: [fgj]
    responsible: [zrzyghj, cxjsj, group:districts]
    deliverables: [《武汉市老旧小区改造“十四五”规划》, 分年度计划目标]
    deadline: 2021-12-31
  - id: "2.2"
    group: "二"
    title: 完善技术导则
    text: 按照高质量发展要求，完善新老标准融合推进机制，条件具备的老旧小区按现行标准改造。统筹考虑“改造”与“提升”的关系、注重“第五立面”改造、维护“空中美丽武汉”良好形象，进一步明确细化水电气路等基础类设施以及养老、托育、文体、智慧便民等完善类、提升类设施改造内容，提高改造标准。按照“一小区一方案”原则，结合小区实际、居民意愿和经费预算等因素，合理确定改造项目，提出详细且具有个性化的规划方案。在居民意愿统一、资金和土地条件具备的前提下，有序实施电梯加装、停车位增建等工程。
    lead: [fgj]
    responsible: [fgw, jyj, jxj, gaj, mzj, czj, zrzyghj, cxjsj, cgzfw, swj, whlyj, wjw, yjglj, gzw, scjgj, tyj, tjj, yllyj, jrj, zwfwj, swuj, txglj, xfzd, gdgs, group:districts]
  - id: "2.3"
    group: "二"
    title: 完善考核机制
    text: 将老旧小区改造工作纳入市区年度绩效目标考核内容，科学制定考核办法，将居民满意度纳入评价指标，加强老旧小区改造全程跟踪监管，鼓励有技术专长的小区居民参与改造工程监督，实现“民意验收”与专业验收相结合。
    lead: [fgj]
    responsible: [group:districts]
    deliverables: [老旧小区改造考核办法]
  - id: "3.1"
    group: "三"
    title: 强化政府资金支持
    text: 积极申报中央财政补助资金和中央预算内投资资金，统筹安排市区财政预算资金，推动符合条件的老旧小区改造项目发行专项债。按照统筹管理、专项列支、归口使用的原则，整合涉及老旧小区改造的民政、公安、城管执法、城乡建设、园林和林业等部门的各类资金，统筹用于老旧小区改造项目，提高资金使用效率。
    lead: [czj]
    responsible: [fgw, mzj, gaj, cgzfw, cxjsj, yllyj, swj, txglj, group:districts]
  - id: "3.2"
    group: "三"
    title: 引进社会资本投入
    text: 按照谁受益、谁出资的原则，引导水电气和通信等专营单位出资参与老旧小区改造；鼓励社会力量参与既有住宅加装电梯，建设停车场、卫生服务站、普惠性幼儿园、室外活动场所，安装智能充电桩、广告牌位等设施建设。盘活闲置房屋（空间）用于养老、托育、家政等有偿服务；通过居民直接出资、让渡公共收益、提取公积金等措施筹集资金，用于加装电梯、配建停车设施等；搭建企业参与老旧小区改造工作平台，鼓励社会力量以捐资冠名、企业投资等方式捐资或者捐赠城市家具、雕塑等。
    lead: [fgj]
    responsible: [fgw, jyj, jxj, zrzyghj, cxjsj, gzw, mzj, wjw, scjgj, swj, swuj, txglj, gdgs, group:districts]
  - id: "3.3"
    group: "三"
    title: 创新项目业主模式
    text: 探索工程总承包（EPC）、企业代建、建设—经营—转让（BOT）等模式和国企平台、区直相关部门直接参与作为项目业主等模式，加快推进老旧小区改造工作。
    lead: [group:districts]
    responsible: [fgw, gzw, zwfwj, cxjsj, fgj, jxj, czj, jrj]
  - id: "4.1"
    group: "四"
    title: 坚持改管并重，维护改造成果
    text: 积极探索物业服务管理精细化路子，对完成改造的老旧小区，由街道、社区组织召开业主大会或者居民代表大会，引导居民通过选聘市场化物业服务企业、引入公益性物业服务企业、居民自治管理或社区代管等形式，因地制宜选择物业服务模式，合理推进物业服务收费，开发利用好老旧小区内各类能够产生收益的公共房屋、场地、设施等资源，有条件的老旧小区可探索归集、使用维修资金，增强“自我造血”功能。对于自治能力弱、筹措资金困难的老旧小区，后期管理养护费用支出列入各区年度财政预算，促进老旧小区管理进入良性发展轨道。
    lead: [group:districts]
    responsible: [fgj, mzj, czj]
  - id: "4.2"
    group: "四"
    title: 坚持党建引领，提升小区治理能力
    text: 建立建全社区党组织领导下的居民委员会、业主委员会、物业服务企业联动服务机制，发动居民积极参与小区公共事务，协同联动处理小区治理问题。
    lead: [group:districts]
    responsible: [fgj, mzj]

phases:
  - {id: deploy, name: 部署阶段, start: 2021-02-01, end: 2021-03-31}
  - {id: handle, name: 办理阶段, start: 2021-04-01, end: 2021-10-31}
  - {id: inspect, name: 检查汇报阶段, start: 2021-11-01, end: 2021-11-30}
  - {id: review, name: “回头看”阶段, start: 2021-12-01, end: 2021-12-31}

targets:
  - id: communities
    name: 完成老旧小区改造
    value: 300
    unit: 个
    due: 2021-12-31
    # Counted from the 小区台账 rows whose 状态 is 已完工.
    sheet: ledger
    field: status
    equals: 已完工
    # No split among the districts (shares: {district id: count, …}) is declared: the work
    # plan sets the city's 300 and names no district's part, and a split made up here would
    # put figures in a leader's briefing that no one decided. Without one, the outputs show
    # each district's completions and judge only the city's pace, and say so. An office that
    # has its districts' parts (分解目标) declares them here or in the plan workbook.

# Dropdown lists, kept on a hidden sheet of each template.
choices:
  progress_status: [未启动, 推进中, 已完成, 滞后]
  renovation_type: [基础类, 完善类, 提升类]
  ledger_status: [未开工, 在建, 已完工]
  property_mode: [市场化物业, 公益性物业, 居民自治, 社区代管, 暂无]
  channel: [领导小组办公室简报, 政府网站, 微信公众号, 报纸, 电视广播, 其他]

sheets:
  - id: progress
    name: 任务进展
    kind: tasks
    title: 任务进展情况
    fields:
      - {id: task, name: 任务编号, type: task-ref, prefilled: task.id, width: 8}
      - {id: group, name: 类别, type: text, prefilled: task.group, width: 16}
      - {id: content, name: 任务内容, type: text, prefilled: task.title_and_text, width: 40}
      - {id: role, name: 本单位角色, type: text, prefilled: role, width: 10}
      - {id: lead, name: 牵头单位, type: text, prefilled: task.lead, width: 16}
      - {id: status, name: 进展状态, type: choice, choices: progress_status, required: true, width: 10}
      - {id: percent, name: 完成进度（%）, type: percent, min: 0, max: 100, required: true, width: 12}
      - {id: work, name: 本期工作进展, type: text, required: true, max_length: 2000, width: 40}
      - {id: results, name: 量化成效, type: text, max_length: 1000, width: 24}
      - {id: problems, name: 存在问题, type: text, max_length: 1000, width: 24}
      - {id: next, name: 下步计划, type: text, max_length: 1000, width: 24}
      - {id: eta, name: 预计完成时间, type: date, min: 2021-01-01, max: 2025-12-31, width: 14}
    rules:
      - {kind: implies, if: {field: status, equals: 已完成}, then: {field: percent, equals: 100}, message: "进展状态为“已完成”时，完成进度应为 100"}
      - {kind: implies, if: {field: percent, equals: 100}, then: {field: status, equals: 已完成}, message: "完成进度为 100 时，进展状态应为“已完成”"}
      - {kind: implies, if: {field: status, equals: 未启动}, then: {field: percent, equals: 0}, message: "进展状态为“未启动”时，完成进度应为 0"}
      - {kind: implies, if: {field: status, equals: 滞后}, then: {field: problems, required: true}, message: "进展状态为“滞后”时，请在“存在问题”中说明原因"}

  - id: indicators
    name: 量化指标
    kind: rows
    title: 量化指标（可量化、可完成、可考核）
    rows: 30
    fields:
      - {id: name, name: 指标名称, type: text, required: true, max_length: 100, width: 30}
      - {id: unit, name: 计量单位, type: text, required: true, max_length: 20, width: 10}
      - {id: target, name: 年度目标值, type: decimal, min: 0, max: 1000000000, required: true, width: 12}
      - {id: done, name: 累计完成值, type: decimal, min: 0, max: 1000000000, required: true, width: 12, cumulative: true}
      - {id: task, name: 关联任务编号, type: task-ref, required: true, width: 12}
      - {id: deadline, name: 完成时限, type: date, min: 2021-01-01, max: 2025-12-31, required: true, width: 14}
    rules:
      - {kind: unique, field: name, message: "同一指标只填一行"}
      # Rules as data (kind: compare): a side is a field of the row, a value, or a sum or count over a
      # sheet's rows of the same file (optionally filtered); missing: skip (default), zero or error.
      - {kind: compare, left: {field: done}, op: "<=", right: {field: target}, severity: warning, message: "累计完成值大于年度目标值，请核对；如确有原因请在“说明”中注明"}
      - {kind: compare, when: {field: name, equals: 完成改造小区}, left: {field: done}, op: "=", right: {count: {sheet: ledger, where: {field: status, equals: 已完工}}}, severity: warning, message: "指标“完成改造小区”的累计完成值应等于本单位小区台账中已完工的小区数"}

  - id: ledger
    name: 小区台账
    kind: rows
    title: 老旧小区改造项目台账
    units: group:districts
    rows: 300
    carry: true         # next round's templates carry each district's rows accepted last round
    fields:
      - {id: name, name: 小区名称, type: text, required: true, max_length: 60, width: 20}
      - {id: street, name: 所在街道, type: text, required: true, max_length: 30, width: 12}
      - {id: built, name: 建成年份, type: integer, min: 1949, max: 2021, required: true, width: 10}
      - {id: buildings, name: 楼栋数, type: integer, min: 1, max: 1000, required: true, width: 8}
      - {id: households, name: 户数, type: integer, min: 1, max: 100000, required: true, width: 8}
      - {id: area, name: 建筑面积（㎡）, type: decimal, min: 1, max: 10000000, required: true, width: 13}
      - {id: type, name: 改造类型, type: choice, choices: renovation_type, required: true, width: 10}
      - {id: content, name: 改造内容, type: text, max_length: 500, width: 30}
      - {id: invest, name: 计划投资（万元）, type: decimal, min: 0, max: 1000000, required: true, width: 14, max_change: 30}
      - {id: src_central, name: 中央补助（万元）, type: decimal, min: 0, max: 1000000, width: 14}
      - {id: src_province, name: 省级（万元）, type: decimal, min: 0, max: 1000000, width: 10}
      - {id: src_city, name: 市级（万元）, type: decimal, min: 0, max: 1000000, width: 10}
      - {id: src_district, name: 区级（万元）, type: decimal, min: 0, max: 1000000, width: 10}
      - {id: src_bond, name: 专项债（万元）, type: decimal, min: 0, max: 1000000, width: 12}
      - {id: src_social, name: 社会资本（万元）, type: decimal, min: 0, max: 1000000, width: 14}
      - {id: src_residents, name: 居民出资（万元）, type: decimal, min: 0, max: 1000000, width: 14}
      - {id: src_utilities, name: 专营单位（万元）, type: decimal, min: 0, max: 1000000, width: 14}
      - {id: start, name: 开工日期, type: date, min: 2019-01-01, max: 2025-12-31, width: 12}
      - {id: finish, name: 完工日期, type: date, min: 2019-01-01, max: 2025-12-31, width: 12}
      - {id: status, name: 状态, type: choice, choices: ledger_status, required: true, width: 9}
      - {id: elevators, name: 加装电梯（部）, type: integer, min: 0, max: 500, width: 12}
      - {id: parking, name: 新增停车位（个）, type: integer, min: 0, max: 10000, width: 14}
      - {id: property, name: 物业服务模式, type: choice, choices: property_mode, width: 12}
      - {id: satisfaction, name: 居民满意度（%）, type: percent, min: 0, max: 100, width: 13}
    rules:
      - {kind: implies, if: {field: status, equals: 已完工}, then: {field: finish, required: true}, message: "状态为“已完工”时须填写完工日期"}
      - {kind: not_after_round_end, field: finish, message: "完工日期不能晚于本期截止日期"}
      - {kind: not_before, field: finish, other: start, message: "完工日期不能早于开工日期"}
      - {kind: sum, fields: [src_central, src_province, src_city, src_district, src_bond, src_social, src_residents, src_utilities], equals: invest, severity: warning, message: "各资金来源之和与计划投资不一致"}
      - {kind: range, field: built, max: 2000, severity: warning, message: "建成年份晚于 2000 年，不属于本轮改造范围（2000 年前建成），如属特殊情况请在“说明”中注明"}
      - {kind: unique, field: name, message: "同一小区在本单位台账中只能出现一次"}

  - id: publicity
    name: 宣传信息
    kind: rows
    title: 宣传信息报送（每月不少于 1 篇，每月 10 日、25 日报送）
    rows: 30
    fields:
      - {id: date, name: 报送日期, type: date, min: 2021-01-01, max: 2021-12-31, required: true, width: 12}
      - {id: title, name: 标题, type: text, required: true, max_length: 200, width: 40}
      - {id: channel, name: 渠道, type: choice, choices: channel, required: true, width: 18}
      - {id: link, name: 链接或刊期, type: text, max_length: 500, width: 36}
    rules:
      - {kind: min_rows_per_month, field: date, count: 1, severity: warning, message: "每月报送宣传信息不少于 1 篇"}

  - id: liaison
    name: 联络员
    kind: single
    title: 联络员（处级干部 1 名）
    fields:
      - {id: name, name: 姓名, type: text, required: true, max_length: 20, width: 12}
      - {id: title, name: 职务, type: text, required: true, max_length: 40, width: 20}
      - {id: office_phone, name: 办公电话, type: phone, required: true, width: 16}
      - {id: mobile, name: 手机, type: mobile, required: true, width: 14}
      - {id: email, name: 电子邮箱, type: email, required: true, width: 26}

  - id: summary
    name: 工作小结
    kind: text
    title: 工作小结
    fields:
      - {id: practice, name: 主要做法和成效, type: text, required: true, max_length: 5000}
      - {id: problems, name: 存在问题, type: text, required: true, max_length: 3000}
      - {id: plans, name: 下步打算, type: text, required: true, max_length: 3000}

# Rounds: due dates follow the seed where it gives one (work plans by the end of March, the
# half-year summary by 15 June, the year-end summary in November); monthly reports are due on the
# 25th, the second of the month's two publicity dates. A file returned with errors is due again
# (resubmit_by, written in its 反馈) within the month of a monthly round, a week after the others
# (the seed sets no such date).
rounds:
  - {id: "2021-03", kind: 方案备案, title: 工作方案备案及联络员报送, start: 2021-03-13, due: 2021-03-31, resubmit_by: 2021-04-07, sheets: [progress, indicators, liaison]}
  - {id: "2021-04", kind: 月调度, title: 4月工作调度, start: 2021-04-01, due: 2021-04-25, resubmit_by: 2021-04-30, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-05", kind: 月调度, title: 5月工作调度, start: 2021-05-01, due: 2021-05-25, resubmit_by: 2021-05-31, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-06", kind: 半年小结, title: 半年工作小结, start: 2021-06-01, due: 2021-06-15, resubmit_by: 2021-06-22, sheets: [progress, indicators, ledger, publicity, liaison, summary]}
  - {id: "2021-07", kind: 月调度, title: 7月工作调度, start: 2021-07-01, due: 2021-07-25, resubmit_by: 2021-07-31, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-08", kind: 月调度, title: 8月工作调度, start: 2021-08-01, due: 2021-08-25, resubmit_by: 2021-08-31, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-09", kind: 月调度, title: 9月工作调度, start: 2021-09-01, due: 2021-09-25, resubmit_by: 2021-09-30, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-10", kind: 月调度, title: 10月工作调度, start: 2021-10-01, due: 2021-10-25, resubmit_by: 2021-10-31, sheets: [progress, indicators, ledger, publicity, liaison]}
  - {id: "2021-11", kind: 年度总结, title: 年度工作总结, start: 2021-11-01, due: 2021-11-30, resubmit_by: 2021-12-07, sheets: [progress, indicators, ledger, publicity, liaison, summary]}
  - {id: "2021-12", kind: 月调度, title: 12月“回头看”调度, start: 2021-12-01, due: 2021-12-25, resubmit_by: 2021-12-31, sheets: [progress, indicators, ledger, publicity, liaison]}
"""#
}
