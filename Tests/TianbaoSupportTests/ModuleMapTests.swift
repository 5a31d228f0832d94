import Foundation
import XCTest

/// Which target may use which. The module map in docs/design/modules.md lists each target with
/// what it may depend on; these tests hold Package.swift and every source file's imports to it,
/// and hold the map itself to the layers (model ← pipeline ← outputs ← commands), so a dependency
/// that points the wrong way (the archive using the renderers, the model using the pipeline …)
/// fails `make test`.
final class ModuleMapTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// What no edit of the map may allow: a target and the targets it must never reach, directly
    /// or through others.
    static let forbidden: [String: Set<String>] = {
        let commands: Set<String> = ["TianbaoRun", "TianbaoPortal", "TianbaoCLI", "tianbao"]
        let archiveAndUp = commands.union(["TianbaoArchive", "TianbaoReview"])
        return [
            "XLSX": archiveAndUp.union(["TianbaoSupport", "TianbaoPlan", "TianbaoCheck", "TianbaoRound", "TianbaoMerge", "TianbaoOutputs"]),
            "TianbaoRound": archiveAndUp.union(["TianbaoMerge", "TianbaoOutputs"]),
            "TianbaoMerge": archiveAndUp.union(["TianbaoOutputs"]),
            "TianbaoOutputs": archiveAndUp,
            "TianbaoArchive": commands.union(["TianbaoReview", "TianbaoOutputs", "TianbaoMerge"]),
            "TianbaoReview": commands.union(["TianbaoMerge"]),
            "TianbaoRun": ["TianbaoPortal", "TianbaoCLI", "tianbao"],
            "TianbaoPortal": ["TianbaoCLI", "tianbao"],
        ]
    }()

    /// The map's rows, bottom layer first: `| `Target` | its job | `A`, `B` |` (the last cell
    /// lists what the target may use: targets of this package and products of others).
    static func map() throws -> [(target: String, mayUse: Set<String>)] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/design/modules.md"), encoding: .utf8)
        var rows: [(String, Set<String>)] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard cells.count >= 4 else { continue }
            let target = names(cells[1])
            guard target.count == 1 else { continue }
            rows.append((target[0], Set(names(cells[cells.count - 2]))))
        }
        return rows
    }

    /// The names in backquotes in a table cell.
    static func names(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Every target of the manifest that is not a test's, with its dependencies (targets and
    /// products by name), as `swift package dump-package` reports them. Run with a scratch folder
    /// of its own: the build's is locked while the tests run.
    static func manifest() throws -> [String: [String]] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-dump-package-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"]
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targets = json["targets"] as? [[String: Any]] else {
            throw NSError(domain: "ModuleMapTests", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "swift package dump-package failed: \(message)"])
        }
        var out: [String: [String]] = [:]
        for t in targets where (t["type"] as? String) != "test" && (t["path"] as? String)?.hasPrefix("Tests/") != true {
            guard let name = t["name"] as? String else { continue }
            out[name] = (t["dependencies"] as? [[String: Any]] ?? []).compactMap { d in
                for kind in ["byName", "target", "product"] {
                    if let list = d[kind] as? [Any], let first = list.first as? String { return first }
                }
                return nil
            }
        }
        return out
    }

    func testTheMapNamesEveryTargetAndPointsOneWay() throws {
        let map = try Self.map()
        let manifest = try Self.manifest()
        XCTAssertEqual(Set(map.map(\.target)), Set(manifest.keys), "docs/design/modules.md and Package.swift name different targets")
        // Each target may use only targets listed above it.
        var above: Set<String> = []
        for row in map {
            let local = row.mayUse.filter { manifest[$0] != nil }
            XCTAssert(local.isSubset(of: above), "\(row.target) may use \(local.subtracting(above).sorted()), listed after it in the map")
            above.insert(row.target)
        }
    }

    func testPackageDependenciesFollowTheMap() throws {
        let map = Dictionary(uniqueKeysWithValues: try Self.map().map { ($0.target, $0.mayUse) })
        for (target, deps) in try Self.manifest().sorted(by: { $0.key < $1.key }) {
            let wrong = deps.filter { !(map[target]?.contains($0) ?? false) }
            XCTAssert(wrong.isEmpty, "Package.swift: \(target) depends on \(wrong.joined(separator: ", ")), which the module map (docs/design/modules.md) does not allow")
        }
    }

    /// The layers hold whatever the map says: no target reaches one it must never reach.
    func testNoDependencyPointsTheWrongWay() throws {
        let manifest = try Self.manifest()
        func reach(_ target: String) -> Set<String> {
            var seen: Set<String> = [], todo = manifest[target] ?? []
            while let next = todo.popLast() {
                if seen.insert(next).inserted { todo += manifest[next] ?? [] }
            }
            return seen
        }
        for (target, never) in Self.forbidden.sorted(by: { $0.key < $1.key }) {
            XCTAssertNotNil(manifest[target], "\(target) is not a target of Package.swift")
            let wrong = reach(target).intersection(never)
            XCTAssert(wrong.isEmpty, "\(target) depends on \(wrong.sorted().joined(separator: ", ")): a dependency pointing the wrong way")
        }
    }

    /// A source file imports a target of this package only when its own target declares it (not
    /// through another target's dependencies).
    func testImportsAreDeclaredDependencies() throws {
        let manifest = try Self.manifest()
        let fm = FileManager.default
        for (target, deps) in manifest.sorted(by: { $0.key < $1.key }) {
            let folder = Self.root.appendingPathComponent("Sources/\(target)")
            guard let files = fm.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ").map(String.init).filter { !$0.hasPrefix("@") }
                    guard words.first == "import", let module = words.last, manifest[module] != nil else { continue }
                    XCTAssert(deps.contains(module), "Sources/\(target)/\(file) imports \(module), which \(target) does not declare in Package.swift")
                }
            }
        }
    }
}
