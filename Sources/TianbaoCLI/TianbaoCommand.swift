import ArgumentParser
import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoRun
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// The `tianbao` command: one subcommand per verb.
public struct TianbaoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tianbao",
        abstract: "填报：下发模板、校验、汇总一轮报送。",
        subcommands: [TemplatesCommand.self, CheckCommand.self, MergeCommand.self, StatusCommand.self, HistoryCommand.self, ReviewCommand.self, CatCommand.self, PlanCommand.self, ServeCommand.self, LinksCommand.self])

    public init() {}

    /// Exit statuses shared by every command (`TianbaoRun.ExitStatus`).
    public typealias ExitStatus = TianbaoRun.ExitStatus

    /// Parses the arguments, runs the command and exits. Usage errors exit with status 2 (not
    /// ArgumentParser's 64) so that scripts see the statuses the spec promises.
    public static func runAsProgram(_ arguments: [String]? = nil) -> Never {
        if arguments == nil, let name = firstArgumentNotUTF8() {
            FileHandle.standardError.write(Data((notUTF8Message(name) + "\n").utf8))
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let status as CommandExit {
            Foundation.exit(status.status.rawValue)
        } catch let error as ArchiveError {
            // An archive error a command did not catch itself: its message, its status.
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(error.isWriteFailure ? ExitStatus.outputFailed.rawValue : ExitStatus.usage.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)  // --help, --version
            }
            let message = userMessage(for: error) ?? fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if error is XLSXWriteError || error is FileSystemError || error is RowStoreError { Foundation.exit(ExitStatus.outputFailed.rawValue) }
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// The first command-line argument whose bytes are not UTF-8 (a file or folder name made on
/// Windows and unpacked here), as Swift shows it (U+FFFD for what it could not read); such a
/// name cannot be given back to the file system, so no command can open it.
func firstArgumentNotUTF8() -> String? {
    for i in 1..<Int(CommandLine.argc) {
        guard let raw = CommandLine.unsafeArgv[i] else { continue }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
        if String(validating: bytes, as: UTF8.self) == nil { return String(decoding: bytes, as: UTF8.self) }
    }
    return nil
}

/// What to do about a name that is not UTF-8 (as merge says of such files in a folder).
func notUTF8Message(_ name: String) -> String {
    "错误：“\(name)”的名称不是 UTF-8 编码（常见于在 Windows 上打包、在这里解压的压缩文件），无法按名打开。"
        + "请在它所在的文件夹中运行 convmv -f gbk -t utf-8 --notest 加上该名称，把它改为 UTF-8 后重试；本次未作任何改动。"
}

/// The Chinese message for an error of the file system, the XLSX module, the row store, a
/// lock or staging folder beside an output, or the signing key: the one place a command turns
/// these into the line it prints (the argument parser's own errors keep its messages).
func userMessage(for error: Error) -> String? {
    switch error {
    case let e as XLSXError: return "错误：" + e.message
    case let e as XLSXWriteError: return "错误：" + e.description
    case let e as FileSystemError: return "错误：" + e.message + "。"
    case let e as RowStoreError: return "错误：" + e.message + "。"
    case let e as UnsafeSidecar: return "错误：" + e.message + "。"
    case let e as KeyError: return "错误：" + e.message
    case let e as CocoaError:
        let path = (e.userInfo[NSFilePathErrorKey] as? String) ?? e.url?.path ?? ""
        let what = path.isEmpty ? "" : "“\(path)”"
        switch e.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "错误：文件或文件夹\(what)不存在（或无法在该位置创建）。"
        case .fileWriteNoPermission, .fileReadNoPermission: return "错误：没有权限访问\(what)。"
        case .fileWriteOutOfSpace: return "错误：磁盘空间不足，无法写入\(what)。"
        case .fileWriteVolumeReadOnly: return "错误：\(what)所在的磁盘是只读的。"
        case .fileWriteFileExists: return "错误：\(what)已存在且不是文件夹。"
        default: return "错误：文件操作失败\(what)（代码 \(e.code.rawValue)）。"
        }
    case let e as POSIXError:
        return "错误：文件操作失败（\(String(cString: strerror(e.code.rawValue)))）。"
    default:
        return nil
    }
}

/// Thrown by a command to end with a given status after it has printed what it has to say.
public struct CommandExit: Error {
    public let status: TianbaoCommand.ExitStatus
    public init(_ status: TianbaoCommand.ExitStatus) { self.status = status }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
