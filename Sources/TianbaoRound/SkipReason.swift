/// Why an entry of a submissions folder is not read, with the note the outputs print for it.
/// Code branches on the case, never on the note's text.
public enum SkipReason: String, Sendable, CaseIterable {
    /// One of Tianbao's own outputs (a consolidated workbook, a briefing, report.json, a
    /// feedback or output folder).
    case ownOutput
    /// A temporary or lock file a merge leaves beside its outputs.
    case ownTemporary
    /// A symbolic link: not followed.
    case link
    /// A sub-folder.
    case folder
    /// The lock file of an open workbook (Office, WPS, LibreOffice).
    case editorLock
    /// .DS_Store, Thumbs.db, desktop.ini.
    case systemFile
    /// A named pipe, a device or a socket.
    case notRegularFile
    /// A name that is not UTF-8: the file cannot be opened by its name. Not skipped like the
    /// others but listed as unreadable: the office's problem, never the unit's.
    case nameNotUTF8

    /// What the outputs say of the entry.
    public var note: String {
        switch self {
        case .ownOutput: return "Tianbao 汇总生成的输出（不是报送文件），已跳过；输出文件夹请勿放在报送文件夹中"
        case .ownTemporary: return "Tianbao 汇总时留下的临时文件或锁文件（不是报送文件），已跳过"
        case .link: return "链接文件，出于安全原因未读取"
        case .folder: return "子文件夹，未读取（请把文件直接放在报送文件夹中）"
        case .editorLock: return "Office/WPS/LibreOffice 的临时锁文件，已跳过"
        case .systemFile: return "系统文件，已跳过"
        case .notRegularFile: return "不是普通文件，未读取"
        case .nameNotUTF8: return "文件名不是 UTF-8 编码，办公室无法按名打开"
        }
    }

    /// Whether the entry is Tianbao's own (an output or a merge's leftover), not something a
    /// unit or the office put there.
    public var isTianbaos: Bool { self == .ownOutput || self == .ownTemporary }
}
