import ArgumentParser
import Foundation

/// The `tianbao` command: one subcommand per verb.
public struct TianbaoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tianbao",
        abstract: "填报:下发模板、校验、汇总一轮报送。",
        subcommands: [TemplatesCommand.self, CheckCommand.self, MergeCommand.self, StatusCommand.self, CatCommand.self, PlanCommand.self])

    public init() {}

    /// Exit statuses shared by every command (SPEC section 7).
    public enum ExitStatus: Int32 {
        /// Everything accepted.
        case success = 0
        /// Done, but some input was rejected or is missing.
        case partial = 1
        /// Usage or plan error; nothing written.
        case usage = 2
    }

    /// Parses the arguments, runs the command and exits. Usage errors exit with status 2 (not
    /// ArgumentParser's 64) so that scripts see the statuses the spec promises.
    public static func runAsProgram(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(ExitStatus.success.rawValue)
        } catch let status as CommandExit {
            Foundation.exit(status.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)  // --help, --version
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? ExitStatus.usage.rawValue : code.rawValue)
        }
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
