import Foundation
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// Step 1 of a merge: what is in a submissions folder. Lists the folder (sorted by name) and
/// says which entries are not read (sub-folders, links, lock files, system files, Tianbao's
/// own outputs, names that are not UTF-8); names the unit a file name names.
public enum RoundListing {
    /// One entry of the submissions folder: its name, its path, and why it is not read (nil: read it).
    public typealias Entry = (name: String, path: String, skip: SkipReason?)

    /// The note of an entry whose name is not UTF-8: such a file is the office's problem (it
    /// cannot be opened by its name), listed as unreadable, never the unit's.
    public static var badNameNote: String { SkipReason.nameNotUTF8.note }

    /// The files of a folder, sorted by name; sub-folders, links, lock files and Tianbao's own
    /// outputs are reported as skipped, never read. Throws `FileSystemError` when the folder
    /// cannot be listed.
    public static func list(_ dir: String) throws -> [Entry] {
        // The names' bytes as stored: a name that is not UTF-8 (a GBK name copied from another
        // system) is reported, never silently dropped or mangled into a path that would open
        // nothing.
        let raw = try FileSystem.listNames(dir)
        return raw.sorted { $0.lexicographicallyPrecedes($1) }.map { bytes in
            guard let name = String(validating: bytes, as: UTF8.self) else {
                return (FileNameText.display(bytes), "", .nameNotUTF8)
            }
            let path = (dir as NSString).appendingPathComponent(name)
            let kind = FileSystem.kind(path)
            if let own = ownOutput(name, path: path, kind: kind) { return (name, path, own) }
            if kind == .link {
                return (name, path, .link)
            }
            if kind == .folder {
                return (name, path, .folder)
            }
            if name.hasPrefix("~$") || (name.hasPrefix(".~lock.") && name.hasSuffix("#")) {
                return (name, path, .editorLock)
            }
            if name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" {
                return (name, path, .systemFile)
            }
            if kind != .file {
                return (name, path, .notRegularFile)
            }
            return (name, path, nil)
        }
    }

    /// Why an entry of a submissions folder is one of Tianbao's own outputs (a consolidated
    /// workbook, a briefing, report.json, a feedback or output folder, a staging folder or lock
    /// file of a merge), or nil. Feedback workbooks themselves are not outputs here: a unit may
    /// correct its feedback workbook and send it back as is.
    static func ownOutput(_ name: String, path: String, kind: FileSystem.Kind?) -> SkipReason? {
        let own = SkipReason.ownOutput
        if name.hasPrefix("."), name.contains(".tianbao-") { return .ownTemporary }
        switch kind {
        case .file?:
            if name == OutputFiles.report { return own }
            if OutputFiles.isConsolidatedWorkbook(name) { return own }
            if OutputFiles.isBriefing(name) { return own }
        case .folder?:
            if name == OutputFiles.feedbackFolder { return own }
            if FileSystem.kind((path as NSString).appendingPathComponent(OutputFiles.report)) == .file { return own }
        default: break
        }
        return nil
    }

    /// The unit whose full name, or short name (江汉区, 财政局), a file name contains; the
    /// longest match wins, and an ambiguous short name matches nothing. Full-width and
    /// half-width parentheses match each other (`NameMatching`).
    public static func unitNamed(in fileName: String, units: [ReportingUnit]) -> ReportingUnit? {
        let fileName = NameMatching.comparable(fileName)
        func short(_ u: ReportingUnit) -> [String] {
            let full = NameMatching.comparable(u.name)
            var names = [full]
            var s = full
            for suffix in ["人民政府", "管委会"] where s.hasSuffix(suffix) { s.removeLast(suffix.count) }
            names.append(s)
            if let open = s.firstIndex(of: "(") {
                names.append(String(s[..<open]))
                let inner = s[s.index(after: open)...].prefix { $0 != ")" }
                names.append(String(inner).replacingOccurrences(of: "人民政府", with: ""))
            }
            if s.hasPrefix("市") && s.count > 3 { names.append(String(s.dropFirst())) }
            return names.filter { $0.count >= 3 }
        }
        var best: (ReportingUnit, Int)?
        var ambiguous = false
        for u in units {
            guard let len = short(u).filter({ fileName.contains($0) }).map(\.count).max() else { continue }
            if best == nil || len > best!.1 { best = (u, len); ambiguous = false } else if len == best!.1 { ambiguous = true }
        }
        return ambiguous ? nil : best?.0
    }
}
