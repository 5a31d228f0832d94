import ArgumentParser
import Foundation
import TestSupport
@testable import TianbaoCLI
import XCTest

/// Every command's `--help`, compared with the snapshots in HelpSnapshots/ (one file per command
/// path, e.g. `tianbao-plan-check.txt`). A change to a command's options or texts fails here
/// until the snapshot is updated on purpose:
/// `TIANBAO_UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests`, then review the diff.
final class HelpSnapshotTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HelpSnapshots")
    static let updating = ProcessInfo.processInfo.environment["TIANBAO_UPDATE_SNAPSHOTS"] != nil

    /// Every command reachable from `tianbao`, with its path of names.
    static func commands(_ type: ParsableCommand.Type = TianbaoCommand.self, path: [String] = ["tianbao"])
        -> [(path: [String], type: ParsableCommand.Type)] {
        [(path, type)] + type.configuration.subcommands.flatMap { sub in
            commands(sub, path: path + [sub.configuration.commandName ?? String(describing: sub).lowercased()])
        }
    }

    func testEveryCommandsHelpMatchesItsSnapshot() throws {
        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
        var expected: Set<String> = []
        for (path, type) in Self.commands() {
            let name = path.joined(separator: "-") + ".txt"
            expected.insert(name)
            let help = TianbaoCommand.helpMessage(for: type, columns: 100) + "\n"
            let file = Self.folder.appendingPathComponent(name)
            if Self.updating {
                try Data(help.utf8).write(to: file)
                continue
            }
            guard let snapshot = FileManager.default.contents(atPath: file.path) else {
                XCTFail("no snapshot for `\(path.joined(separator: " ")) --help`: run with TIANBAO_UPDATE_SNAPSHOTS=1")
                continue
            }
            XCTAssertEqual(help, String(decoding: snapshot, as: UTF8.self), "`\(path.joined(separator: " ")) --help` changed")
        }
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".txt") })
        if Self.updating {
            for stale in present.subtracting(expected) { try FileManager.default.removeItem(at: Self.folder.appendingPathComponent(stale)) }
        } else {
            XCTAssertEqual(present.subtracting(expected), [], "snapshots of commands that no longer exist")
        }
    }

    /// The binary prints the same help as the snapshot (a user's terminal: stdout not a tty
    /// here, so the width is ArgumentParser's default; only the first lines are compared).
    func testBinaryPrintsTheHelpAndExitsZero() throws {
        let r = try Binary.run(["merge", "--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("OVERVIEW: 校验并汇总一轮报送"), r.stdout)
        XCTAssertTrue(r.stdout.contains("USAGE: tianbao merge"), r.stdout)
    }
}
