import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoRound
import TianbaoSupport
import XLSX

/// Why a run of merge or review did not complete, as a value: the reason, the run it ended, and
/// the notes gathered before it ended. `message` (Chinese) and `exitStatus` are the one place
/// where a failure is worded and given its status; the CLI prints them, a server shows them.
///
/// Whatever the reason, the output folder is as it was before the run and nothing is recorded.
public struct RunFailure: Error, Sendable {
    public enum Reason: Sendable {
        // Usage: nothing was made (status 2).
        /// The plan has no round with this id.
        case unknownRound(String, available: [String])
        /// The submissions folder does not exist.
        case submissionsMissing(String)
        /// The submissions "folder" is a file.
        case submissionsNotFolder(String)
        /// The submissions folder cannot be listed.
        case submissionsUnlistable(String, cause: String)
        /// A submitted file or the folder could not be read while the merge ran.
        case submissionsUnreadable(FileSystemError)
        /// The output folder is (through links: `resolved`) inside the submissions folder.
        case outputInsideSubmissions(resolved: String?, submissions: String)
        /// The submissions folder is inside the output folder (which is replaced as a whole).
        case submissionsInsideOutput(resolved: String?, submissions: String)
        /// Something that is not a folder stands where the output folder goes.
        case outputNotFolder
        /// The archive lies inside the output folder (which is replaced as a whole).
        case archiveInsideOutput(archive: String)
        /// The output folder holds files that are not Tianbao's (so it is not replaced).
        case foreignFiles([String])
        /// The key verified none (or too few) of the round's templates: the office's mistake.
        case keyMismatch(verified: Int, failed: Int, keyDescription: String)
        /// The archive cannot be used (damaged, newer, locked, another plan, …).
        case archive(ArchiveError)
        /// The archive holds no round of the review's year.
        case noRoundsForYear(archive: String, year: Int, recorded: [String])

        // The outputs could not be written (status 3).
        /// Another run holds the output folder's lock.
        case busy(lockPath: String, holder: FolderLock.Holder?)
        /// A symbolic link (or anything Tianbao did not make) stands where the lock file or the
        /// staging folder goes.
        case unsafeSidecar(UnsafeSidecar)
        /// The output folder (or its staging folder beside it) could not be made.
        case outputFolder(cause: String)
        /// An output file could not be written.
        case outputFile(path: String, cause: String)
        /// Any other failure while writing, already worded (the row store, a library).
        case writing(String)

        // Stopped (status 130 or 143).
        /// Stopped by a signal (SIGINT, SIGTERM) or by `cancel`.
        case interrupted(signal: Int32)
    }

    public let reason: Reason
    public let job: RunJob
    /// Notes gathered before the run ended (a lock taken over, …).
    public internal(set) var notes: [RunNote] = []

    public init(_ reason: Reason, job: RunJob, notes: [RunNote] = []) {
        self.reason = reason
        self.job = job
        self.notes = notes
    }

    /// The status a command exits with.
    public var exitStatus: ExitStatus {
        switch reason {
        case .unknownRound, .submissionsMissing, .submissionsNotFolder, .submissionsUnlistable, .submissionsUnreadable,
             .outputInsideSubmissions, .submissionsInsideOutput, .outputNotFolder, .archiveInsideOutput, .foreignFiles,
             .keyMismatch, .noRoundsForYear:
            return .usage
        case .archive(let error):
            return error.isWriteFailure ? .outputFailed : .usage
        case .busy, .unsafeSidecar, .outputFolder, .outputFile, .writing:
            return .outputFailed
        case .interrupted(let signal):
            return signal == SIGINT ? .interrupted : .terminated
        }
    }

    /// The message, in Chinese: what happened, what to do, and that the output folder is as it was.
    public var message: String {
        let out = job.out
        let unchanged = "本次\(job.noun)未完成，输出文件夹“\(out)”未作任何改动。"
        switch reason {
        case .unknownRound(let id, let available):
            return "错误：计划中没有轮次“\(id)”。可用的轮次：\(available.joined(separator: "、"))"
        case .submissionsMissing(let folder):
            return "错误：报送文件夹“\(folder)”不存在。"
        case .submissionsNotFolder(let folder):
            return "错误：“\(folder)”是一个文件，不是文件夹。请给出存放各单位报回文件的文件夹（而不是其中的某个文件）。"
        case .submissionsUnlistable(let folder, let cause):
            return "错误：无法列出报送文件夹“\(folder)”中的文件：\(cause)。未作任何改动。"
        case .submissionsUnreadable(let error):
            return "错误：" + error.message + "。输出文件夹“\(out)”未作任何改动。"
        case .outputInsideSubmissions(let resolved, let submissions):
            return "错误：输出文件夹“\(out)”\(Self.via(resolved))在报送文件夹“\(submissions)”之内，否则输出会被当作报送文件读取。请另选输出文件夹。"
        case .submissionsInsideOutput(let resolved, let submissions):
            return "错误：报送文件夹“\(submissions)”在输出文件夹“\(out)”\(Self.via(resolved))之内；汇总会整体替换输出文件夹。请另选输出文件夹。"
        case .outputNotFolder:
            return "错误：“\(out)”已存在，但不是文件夹。请指定一个文件夹作为输出位置。"
        case .archiveInsideOutput(let archive):
            return "错误：汇总档案“\(archive)”在输出文件夹“\(out)”之内；\(job.noun)会整体替换输出文件夹。请另选输出文件夹。"
        case .foreignFiles(let names):
            let shown = names.prefix(3).map { "“\($0)”" }.joined(separator: "、")
            let more = names.count > 3 ? "等 \(names.count) 项" : ""
            let whose: String
            switch job {
            case .merge: whose = "不是 Tianbao 生成的文件或文件夹"
            case .review: whose = "不是本次回头看生成的文件或文件夹"
            }
            return "错误：输出文件夹“\(out)”中有\(whose)（\(shown)\(more)）。"
                + "\(job.noun)会整体替换输出文件夹，为免丢失这些文件，本次未作任何改动。请指定一个新的或空的输出文件夹，或先移走这些文件。"
        case .keyMismatch(let verified, let failed, let keyDescription):
            return Self.keyMismatchMessage(verified: verified, failed: failed, keyDescription: keyDescription)
        case .archive(let error):
            return error.description
        case .noRoundsForYear(let archive, let year, let recorded):
            return "错误：汇总档案“\(archive)”中没有 \(year) 年的轮次"
                + (recorded.isEmpty ? "（档案中还没有记录任何轮次）" : "（已记录的轮次：\(recorded.joined(separator: "、"))）")
                + "。请先用 tianbao merge 汇总该年的轮次，或检查 --year 与 --archive；本次未写入任何内容。"
        case .busy(let lockPath, let holder):
            let who = holder.map { "（进程 \($0.pid)，开始于 \($0.started)）" } ?? ""
            switch job {
            case .merge:
                return "错误：另一次汇总\(who)正在写入输出文件夹“\(out)”。为免两次汇总的文件混在一起，本次不等待，"
                    + "未作任何改动，已退出；请等那次汇总结束后再运行。（锁文件：\(lockPath)）"
            case .review:
                return "错误：另一次运行\(who)正在写入输出文件夹“\(out)”。本次不等待，未作任何改动，已退出。（锁文件：\(lockPath)）"
            }
        case .unsafeSidecar(let sidecar):
            return "错误：" + sidecar.message + "。"
        case .outputFolder(let cause):
            return "错误：无法创建输出文件夹“\(out)”：\(cause)。" + unchanged
        case .outputFile(let path, let cause):
            return "错误：无法写入输出文件“\(path)”：\(cause)。" + unchanged
        case .writing(let what):
            return "错误：\(what)。" + unchanged
        case .interrupted(let signal):
            let how = signal == SIGINT ? "已按 Ctrl-C 中断" : "已收到终止信号，已中断"
            return "\(how)：" + unchanged
        }
    }

    /// `（经链接实际指向“…”）` when the output folder is reached through a link.
    private static func via(_ resolved: String?) -> String {
        resolved.map { "（经链接实际指向“\($0)”）" } ?? ""
    }

    /// The message when the key verified none (or few) of a round's templates (also what
    /// `status` says). `keyDescription`: which key was used and where it was looked for.
    public static func keyMismatchMessage(verified: Int, failed: Int, keyDescription: String) -> String {
        let total = verified + failed
        let share = verified == 0 ? "没有一个" : "只有 \(verified) 个"
        return "错误：签名密钥与本轮模板不匹配：本轮可识别的 \(total) 个模板文件中，\(share)的签名能用所给的密钥验证。"
            + "所用密钥：\(keyDescription)。请改用生成本轮模板时的密钥。这是办公室一侧的问题，"
            + "不是各单位的错误：未写入任何文件，也没有给各单位生成反馈表。"
    }
}

extension RunFailure {
    /// The failure for an error met while a run wrote into `staged` (nil before its staging
    /// folder exists): a write failure names the output file by its final path.
    static func writing(_ error: Error, job: RunJob, target: String, staged: StagedFolder?) -> RunFailure {
        switch error {
        case let failure as RunFailure:
            return failure
        case let e as ArchiveError:
            return RunFailure(.archive(e), job: job)
        case let e as UnsafeSidecar:
            return RunFailure(.unsafeSidecar(e), job: job)
        case let e as FileSystemError:
            let shown = staged?.finalPath(ofStaged: e.path) ?? e.path
            if let staged, FileSystem.isInside(e.path, staged.staging) && shown != target {
                return RunFailure(.outputFile(path: shown, cause: e.cause), job: job)
            }
            return RunFailure(.outputFolder(cause: e.cause), job: job)
        case let e as RowStoreError:
            return RunFailure(.writing(e.message), job: job)
        case let e as XLSXWriteError:
            let relative = OutputFiles.isFeedback(e.file) ? OutputFiles.feedbackFolder + "/" + e.file : e.file
            return RunFailure(.outputFile(path: (target as NSString).appendingPathComponent(relative), cause: e.detail), job: job)
        case let e as XLSXError:
            return RunFailure(.writing(e.message), job: job)
        default:
            return RunFailure(.writing("\(error)"), job: job)
        }
    }
}
