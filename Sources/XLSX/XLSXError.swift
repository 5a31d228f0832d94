/// Why a file could not be read as a workbook, with a Chinese message that names the file and
/// says what the person who sent it should do.
///
/// Every failure of the reader is translated into one of these in one place, so callers (check,
/// merge, cat) can report it without knowing about libzip or libxml2.
public struct XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, without the file name.
    public enum Kind: Equatable, Sendable {
        /// The file does not exist or cannot be opened for reading.
        case unreadable(reason: String)
        /// The file is 0 bytes long.
        case emptyFile
        /// An Excel 97–2003 workbook (OLE compound file with a Workbook stream).
        case legacyXLS
        /// A password-encrypted OOXML workbook (OLE compound file with EncryptionInfo).
        case encrypted
        /// A WPS spreadsheet (.et), an OLE compound file.
        case wpsET
        /// Any other OLE compound file (old Word document, …).
        case otherCompoundFile
        /// Plain text: CSV, TSV, HTML saved as .xls, …
        case textFile
        /// An OpenDocument spreadsheet (.ods).
        case openDocument
        /// A Word or PowerPoint package, not a workbook.
        case otherOfficePackage(String)
        /// A file of no known kind.
        case unknownFormat
        /// A ZIP archive that libzip cannot open (truncated, damaged).
        case corruptZip(detail: String)
        /// A ZIP archive with no workbook part.
        case noWorkbookPart
        /// The package lacks a part Excel requires, or a part is not what it should be.
        case brokenPackage(PackageDefect)
        /// A part is not well-formed XML, or is refused (DOCTYPE, entities).
        case malformedPart(part: String, line: Int, detail: String)
        /// A part could not be inflated.
        case unreadablePart(part: String, detail: String)
        /// A safety limit was exceeded; `limit` names it.
        case limitExceeded(limit: String, part: String?)
        /// A cell reference is outside Excel's grid or unparsable.
        case badCellReference(part: String, reference: String)
        /// `--sheet NAME` names no sheet of the workbook.
        case noSuchSheet(String)
    }

    public let kind: Kind
    /// The file as the user knows it (its last path component).
    public let file: String

    public init(_ kind: Kind, file: String) {
        self.kind = kind
        self.file = file
    }

    /// A stable machine-readable code for reports and tests.
    public var code: String {
        switch kind {
        case .unreadable: return "unreadable"
        case .emptyFile: return "empty-file"
        case .legacyXLS: return "xls"
        case .encrypted: return "encrypted"
        case .wpsET: return "wps-et"
        case .otherCompoundFile: return "ole-compound"
        case .textFile: return "text-file"
        case .openDocument: return "ods"
        case .otherOfficePackage: return "not-a-workbook"
        case .unknownFormat: return "unknown-format"
        case .corruptZip: return "corrupt-zip"
        case .noWorkbookPart: return "no-workbook"
        case .brokenPackage: return "broken-package"
        case .malformedPart: return "malformed-xml"
        case .unreadablePart: return "unreadable-part"
        case .limitExceeded: return "limit-exceeded"
        case .badCellReference: return "bad-cell-reference"
        case .noSuchSheet: return "no-such-sheet"
        }
    }

    /// What the file (or the part of it) is, in Chinese, as a problem's value shows it
    /// (`旧版 Excel 工作簿（.xls）`).
    public var kindName: String {
        switch kind {
        case .unreadable: return "无法打开的文件"
        case .emptyFile: return "空文件（0 字节）"
        case .legacyXLS: return "旧版 Excel 工作簿（.xls）"
        case .encrypted: return "加密的工作簿"
        case .wpsET: return "WPS 表格文件（.et）"
        case .otherCompoundFile: return "旧版 Office 文件"
        case .textFile: return "文本或 CSV 文件"
        case .openDocument: return "OpenDocument 表格（.ods）"
        case .otherOfficePackage(let what): return what
        case .unknownFormat: return "无法识别的文件格式"
        case .corruptZip: return "已损坏的压缩包"
        case .noWorkbookPart: return "不含工作簿的压缩包"
        case .brokenPackage: return "结构不完整的工作簿"
        case .malformedPart(let part, _, _): return "损坏的内部文件 \(part)"
        case .unreadablePart(let part, _): return "无法解压的内部文件 \(part)"
        case .limitExceeded: return "超出安全上限的文件"
        case .badCellReference(_, let reference): return "无效的单元格地址 \(reference)"
        case .noSuchSheet(let name): return "不存在的工作表 \(name)"
        }
    }

    /// The Chinese message shown to the office and to the unit that sent the file.
    public var message: String {
        let f = "文件“\(file)”"
        switch kind {
        case .unreadable(let reason):
            return "\(f)无法打开（\(reason)）。请确认文件存在且有读取权限。"
        case .emptyFile:
            return "\(f)是空文件（0 字节），可能在保存或传输时出错。请重新保存后再发送。"
        case .legacyXLS:
            return "\(f)是旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 或 WPS 中打开，"
                + "用“另存为”保存为“Excel 工作簿（*.xlsx）”后再报送。"
        case .encrypted:
            return "\(f)设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消文档密码"
                + "（文件→信息→保护工作簿→用密码进行加密，清空密码），另存为 .xlsx 后再报送。"
        case .wpsET:
            return "\(f)是 WPS 表格专用格式（.et）。请在 WPS 中用“另存为”保存为“Excel 文件（*.xlsx）”后再报送。"
        case .otherCompoundFile:
            return "\(f)是旧版 Office 文件，不是 Excel 工作簿。请使用下发的模板填写，保存为 .xlsx 后再报送。"
        case .textFile:
            return "\(f)是文本或 CSV 文件，不是 Excel 工作簿。请使用下发的模板填写，保存为 .xlsx 后再报送。"
        case .openDocument:
            return "\(f)是 OpenDocument 表格（.ods）。请在 WPS 或 LibreOffice 中用“另存为”保存为"
                + "“Excel 2007-365 （.xlsx）”后再报送。"
        case .otherOfficePackage(let what):
            return "\(f)是\(what)，不是 Excel 工作簿。请使用下发的模板填写，保存为 .xlsx 后再报送。"
        case .unknownFormat:
            return "\(f)不是 Excel 工作簿（无法识别的文件格式）。请使用下发的模板填写，保存为 .xlsx 后再报送。"
        case .corruptZip(let detail):
            return "\(f)已损坏或不完整（\(detail)），无法作为 .xlsx 打开。请在 Excel 或 WPS 中重新保存后再发送。"
        case .noWorkbookPart:
            return "\(f)是压缩包，但其中没有 Excel 工作簿内容。请使用下发的模板填写，保存为 .xlsx 后再报送。"
        case .brokenPackage(let defect) where defect.excelRefuses:
            return "\(f)已损坏（\(defect.description)），Excel 也无法打开它。常见的原因是文件被解压后又重新压缩，"
                + "或传输不完整。请重新发送原来保存的文件；如原文件同样无法打开，请用下发的模板重新填写后报送。"
        case .brokenPackage(let defect):
            return "\(f)已损坏（\(defect.description)），其中的数据无法完整读取。请在 Excel 或 WPS 中打开原文件，"
                + "核对数据后另存为 .xlsx 再报送；如无法打开或数据不全，请用下发的模板重新填写。"
        case .malformedPart(let part, let line, let detail):
            let at = line > 0 ? "第 \(line) 行，" : ""
            return "\(f)内部的 \(part) 已损坏（\(at)\(detail)）。请在 Excel 或 WPS 中打开并重新保存为 .xlsx 后再发送。"
        case .unreadablePart(let part, let detail):
            return "\(f)内部的 \(part) 无法解压（\(detail)）。文件可能已损坏，请重新保存后再发送。"
        case .limitExceeded(let limit, let part):
            let inPart = part.map { "(\($0))" } ?? ""
            return "\(f)超出安全上限：\(limit)\(inPart)。正常的报表不会这样，请确认文件来源，"
                + "必要时重新保存后再发送。"
        case .badCellReference(let part, let reference):
            return "\(f)内部的 \(part) 含有无效的单元格地址“\(reference)”。请在 Excel 或 WPS 中重新保存后再发送。"
        case .noSuchSheet(let name):
            return "\(f)中没有名为“\(name)”的工作表。"
        }
    }

    public var description: String { message }
}

/// What a package lacks, or holds wrongly, among the parts Excel requires before it shows a
/// workbook (ECMA-376 Part 2 and Office's own checks). Part names as the package spells them.
public enum PackageDefect: Equatable, Sendable, CustomStringConvertible {
    /// No `[Content_Types].xml`: no entry of the package is a part.
    case noContentTypes
    /// No `_rels/.rels`: nothing says which part is the workbook.
    case noPackageRelationships
    /// `_rels/.rels` has no `officeDocument` relationship.
    case noWorkbookRelationship
    /// The `officeDocument` relationship points at a part that is not there.
    case workbookPartMissing(part: String)
    /// The workbook part has no content type (`found` nil) or not a workbook's.
    case workbookContentType(part: String, found: String?)
    /// The workbook has sheets but no relationships part to find them by.
    case noWorkbookRelationships(part: String)
    /// A worksheet's relationship is missing or points at a part that is not there.
    case sheetPartMissing(sheet: String)
    /// A worksheet's part has no content type (`found` nil) or not a worksheet's.
    case sheetContentType(sheet: String, part: String, found: String?)

    /// True where Excel does not open the file at all ("the file format or file extension is not
    /// valid"); otherwise it offers to repair the file, dropping what it cannot read.
    public var excelRefuses: Bool {
        switch self {
        case .noContentTypes, .noPackageRelationships, .noWorkbookRelationship, .workbookPartMissing, .workbookContentType:
            return true
        case .noWorkbookRelationships, .sheetPartMissing, .sheetContentType:
            return false
        }
    }

    /// The defect in Chinese, for the message (without the file name).
    public var description: String {
        switch self {
        case .noContentTypes:
            return "缺少内容类型清单 [Content_Types].xml"
        case .noPackageRelationships:
            return "缺少包关系部件 _rels/.rels"
        case .noWorkbookRelationship:
            return "包关系部件 _rels/.rels 中没有指向工作簿的关系"
        case .workbookPartMissing(let part):
            return "缺少工作簿部件 \(part)"
        case .workbookContentType(let part, nil):
            return "工作簿部件 \(part) 没有登记内容类型"
        case .workbookContentType(let part, let found?):
            return "工作簿部件 \(part) 登记的内容类型“\(found)”不是 Excel 工作簿"
        case .noWorkbookRelationships(let part):
            return "缺少工作簿关系部件 \(part)"
        case .sheetPartMissing(let sheet):
            return "工作表“\(sheet)”的内容部件缺失"
        case .sheetContentType(let sheet, let part, nil):
            return "工作表“\(sheet)”的内容部件 \(part) 没有登记内容类型"
        case .sheetContentType(let sheet, let part, let found?):
            return "工作表“\(sheet)”的内容部件 \(part) 登记的内容类型“\(found)”不是工作表"
        }
    }
}

