import Foundation

/// A file-system call that failed: what was being done, to which path, the system's error
/// number, and a Chinese message for the user. Every call through `FileSystem` turns `errno`
/// into this one type.
public struct FileSystemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was being done when the call failed.
    public enum Operation: String, Sendable {
        case read, write, create, list, rename, remove, lock, sync

        /// The verb a message uses: 读取, 写入, …
        public var verb: String {
            switch self {
            case .read: "读取"
            case .write: "写入"
            case .create: "创建"
            case .list: "列出"
            case .rename: "重命名"
            case .remove: "删除"
            case .lock: "锁定"
            case .sync: "保存到磁盘"
            }
        }
    }

    public let operation: Operation
    public let path: String
    /// The `errno` value.
    public let code: Int32

    public init(_ operation: Operation, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// `errno` of the call that just failed.
    public static func last(_ operation: Operation, _ path: String) -> FileSystemError {
        FileSystemError(operation, path: path, code: errno)
    }

    /// The cause in Chinese: 磁盘空间不足, 只读, 无权限, …
    public var cause: String { Self.cause(of: code) }

    /// `无法写入“/out/汇总-2021-06.xlsx”：磁盘空间不足`
    public var message: String { "无法\(operation.verb)“\(path)”：\(cause)" }

    public var description: String { message }

    /// The Chinese cause of an `errno` value.
    public static func cause(of code: Int32) -> String {
        switch code {
        case ENOSPC: "磁盘空间不足"
        case EDQUOT: "超出磁盘配额（磁盘空间不足）"
        case EROFS: "所在磁盘是只读的"
        case EACCES, EPERM: "无权限"
        case ENOENT: "不存在"
        case ENOTDIR: "路径中有一项不是文件夹"
        case EISDIR: "这是一个文件夹，不是文件"
        case EEXIST: "已存在"
        case ENOTEMPTY: "文件夹不是空的"
        case EIO: "磁盘读写出错"
        case EMFILE, ENFILE: "同时打开的文件过多"
        case ENAMETOOLONG: "名称过长"
        case EBUSY, ETXTBSY: "正被其他程序占用"
        case ELOOP: "链接层数过多"
        case EXDEV: "不在同一个磁盘上"
        case EFBIG: "文件过大"
        case ENOMEM: "内存不足"
        case EWOULDBLOCK: "正被另一个进程锁定"
        case ESTALE: "网络文件已失效"
        case EILSEQ: "文件名不是 UTF-8 编码（常见于在 Windows 上打包、在这里解压的压缩文件），无法按名打开；"
            + "请在报送文件夹中运行 convmv -f gbk -t utf-8 --notest * 把文件名改为 UTF-8，再重新汇总"
        default: "系统错误（代码 \(code)）"
        }
    }
}

/// Something other than what Tianbao makes stands where Tianbao keeps a lock file or a staging
/// folder beside a folder it writes (a symbolic link, a FIFO, a folder where a file goes):
/// refused, never followed or replaced, since following a link there would write or rename
/// outside the folder.
public struct UnsafeSidecar: Error, Sendable, Equatable {
    public let path: String
    /// What stands there (`.link` for a symbolic link).
    public let kind: FileSystem.Kind?

    public init(path: String, kind: FileSystem.Kind?) {
        self.path = path
        self.kind = kind
    }

    /// `“…”是一个符号链接，不是 Tianbao 留下的文件或文件夹…`
    public var message: String {
        let what = kind == .link ? "是一个符号链接" : "不是 Tianbao 留下的文件或文件夹"
        return "“\(path)”\(what)，而 Tianbao 要在这个位置放置锁文件或临时文件夹；为免写到别处，本次未作任何改动。请删除或移走它后重试"
    }
}
