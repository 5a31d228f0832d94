import Foundation
import XCTest

/// Every relative link in README.md and docs/**/*.md resolves: the file or folder it names
/// exists, and a `#fragment` into a Markdown file names one of its headings (GitHub's anchors).
/// Links to web addresses are not followed.
final class DocsLinksTests: XCTestCase {
    /// The repository's root (this file is Tests/TianbaoSupportTests/DocsLinksTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Documents other branches write, linked before they land: a link to one of these is
    /// checked once the file exists and tolerated until then.
    static let writtenElsewhere: Set<String> = [
        "docs/design/reader.md", "docs/design/modules.md", "docs/design/tests.md", "bench/README.md",
    ]

    func testEveryRelativeLinkInTheDocsResolves() throws {
        let files = Self.markdownFiles()
        XCTAssertTrue(files.contains("README.md"))
        XCTAssertTrue(files.contains("docs/interfaces.md"))
        var broken: [String] = []
        for file in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for link in MarkdownLinks.targets(in: text) {
                if let problem = Self.problem(with: link.target, in: file) {
                    broken.append("\(file):\(link.line): \(link.target) — \(problem)")
                }
            }
        }
        XCTAssertEqual(broken, [], "broken links:\n" + broken.joined(separator: "\n"))
    }

    func testTheLinkReaderFindsLinksAndSkipsCode() {
        let text = """
            See [the guide](docs/guide/README.md) and ![a page](docs/x.png "title").
            `[not](a-link.md)` and
            ```
            [not](a-link-either.md)
            ```
            [ref]: docs/design/README.md#the-modules
            <https://example.com> [web](https://example.com/a.md) [here](#a-heading)
            """
        XCTAssertEqual(MarkdownLinks.targets(in: text).map(\.target),
                       ["docs/guide/README.md", "docs/x.png", "docs/design/README.md#the-modules",
                        "https://example.com/a.md", "#a-heading"])
        XCTAssertEqual(MarkdownLinks.targets(in: text).map(\.line), [1, 1, 6, 7, 7])
        XCTAssertEqual(MarkdownLinks.anchor(of: "Per-unit targets (分解目标)"), "per-unit-targets-分解目标")
        XCTAssertEqual(MarkdownLinks.anchor(of: "The template checks itself (自查)"), "the-template-checks-itself-自查")
        XCTAssertEqual(MarkdownLinks.anchor(of: "`tianbao cat`: the JSON"), "tianbao-cat-the-json")
        XCTAssertEqual(MarkdownLinks.anchor(of: "report.json"), "reportjson")
    }

    /// README.md and every Markdown file under docs/, relative to the root.
    static func markdownFiles() -> [String] {
        var files = ["README.md"]
        let docs = root.appendingPathComponent("docs")
        if let walker = FileManager.default.enumerator(atPath: docs.path) {
            for case let path as String in walker where path.hasSuffix(".md") { files.append("docs/" + path) }
        }
        return files.sorted()
    }

    /// Why `target`, linked from `file`, does not resolve; nil when it does.
    static func problem(with target: String, in file: String) -> String? {
        if target.contains("://") || target.hasPrefix("mailto:") { return nil }
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let pathPart = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let fragment = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
        let folder = (file as NSString).deletingLastPathComponent
        let relative = pathPart.isEmpty ? file : ((folder as NSString).appendingPathComponent(pathPart) as NSString).standardizingPath
        if relative.hasPrefix("..") { return "points outside the repository" }
        let url = root.appendingPathComponent(relative)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            return writtenElsewhere.contains(relative) ? nil : "no such file"
        }
        guard let fragment, !fragment.isEmpty, relative.hasSuffix(".md"), !isFolder.boolValue else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "cannot be read" }
        return MarkdownLinks.anchors(in: text).contains(fragment) ? nil : "no heading with the anchor #\(fragment)"
    }
}

/// The links of a Markdown text as GitHub renders them: inline links and images `[t](target)`,
/// reference definitions `[r]: target`, outside code spans and fenced code blocks.
enum MarkdownLinks {
    struct Link: Equatable {
        var target: String
        var line: Int
    }

    static func targets(in text: String) -> [Link] {
        var links: [Link] = []
        var fenced = false
        for (n, rawLine) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { fenced.toggle(); continue }
            if fenced { continue }
            let line = withoutCodeSpans(rawLine)
            if let definition = line.firstMatch(of: #/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/#) {
                links.append(Link(target: String(definition.1), line: n + 1))
                continue
            }
            for match in line.matches(of: #/\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/#) {
                links.append(Link(target: String(match.1), line: n + 1))
            }
        }
        return links
    }

    /// The line with every `code span` blanked out.
    static func withoutCodeSpans(_ line: String) -> String {
        var out = ""
        var inCode = false
        for ch in line {
            if ch == "`" { inCode.toggle(); out.append(" "); continue }
            out.append(inCode ? " " : ch)
        }
        return out
    }

    /// The anchors of a Markdown text's headings, as GitHub makes them (a repeated heading gets
    /// `-1`, `-2` …).
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var out: Set<String> = []
        var fenced = false
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { fenced.toggle(); continue }
            guard !fenced, let heading = line.firstMatch(of: #/^#{1,6}\s+(.*?)\s*#*\s*$/#) else { continue }
            let base = anchor(of: String(heading.1))
            let count = seen[base, default: 0]
            seen[base] = count + 1
            out.insert(count == 0 ? base : "\(base)-\(count)")
        }
        return out
    }

    /// GitHub's anchor for a heading: lower case, punctuation and symbols dropped (but `-` and
    /// `_`), spaces as `-`; Markdown's own marks (code spans, emphasis, links) are punctuation.
    static func anchor(of heading: String) -> String {
        var out = ""
        for scalar in heading.lowercased().unicodeScalars {
            if scalar == " " { out.append("-"); continue }
            if scalar == "-" || scalar == "_" { out.unicodeScalars.append(scalar); continue }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
                out.unicodeScalars.append(scalar)
            default:
                continue
            }
        }
        return out
    }
}
