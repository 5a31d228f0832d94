/// The parts Excel requires of a package before it shows a workbook, found as Excel finds them:
/// `[Content_Types].xml`, the package relationships `_rels/.rels`, and the workbook part their
/// `officeDocument` relationship names, with a workbook's content type. A package lacking one
/// is refused with the defect named (`PackageDefect`); a package of another kind (OpenDocument,
/// Word, PowerPoint, a ZIP without a workbook) is named as what it is.
///
/// Relationship parts are found by their names (ECMA-376 Part 2, 9.3), whatever their content
/// type. Of the other parts, the workbook and its worksheets must have their content types:
/// those decide whether Excel opens the file and which sheets it shows. Shared strings, styles
/// and properties are read when present, whatever their content type says.
struct WorkbookPackage {
    let contentTypes: ContentTypes
    /// The package's relationships (`_rels/.rels`).
    let relationships: [Relationship]
    let workbookPart: String
    let workbookEntry: ZipArchive.Entry

    init(archive: ZipArchive) throws {
        let file = archive.file
        let types = try ContentTypes.read(in: archive)
        let relationships = try Relationship.read(for: "", in: archive)
        let main = relationships.first { $0.type == "officeDocument" }?.target
        let mainType = main.flatMap { types?.type(of: $0) }
        if let kind = Self.otherKind(of: archive, hasContentTypes: types != nil, mainType: mainType) {
            throw XLSXError(kind, file: file)
        }
        func refuse(_ defect: PackageDefect) -> XLSXError { XLSXError(.brokenPackage(defect), file: file) }
        // Whether anything in the ZIP is meant as a workbook: if not, it is some other ZIP.
        let meantAsWorkbook = main != nil || archive.entries.contains { ZipArchive.key($0.name).hasSuffix("workbook.xml") }
        guard let types else { throw meantAsWorkbook ? refuse(.noContentTypes) : XLSXError(.noWorkbookPart, file: file) }
        guard archive.entry(named: PartName.relationshipsPart(of: "")) != nil else {
            throw meantAsWorkbook ? refuse(.noPackageRelationships) : XLSXError(.noWorkbookPart, file: file)
        }
        guard let main else { throw meantAsWorkbook ? refuse(.noWorkbookRelationship) : XLSXError(.noWorkbookPart, file: file) }
        guard let entry = archive.entry(named: main) else { throw refuse(.workbookPartMissing(part: main)) }
        guard let mainType, ContentTypes.workbook.contains(mainType) else {
            throw refuse(.workbookContentType(part: main, found: mainType))
        }
        self.contentTypes = types
        self.relationships = relationships
        self.workbookPart = main
        self.workbookEntry = entry
    }

    /// The part of a worksheet the workbook lists, checked as Excel needs it: there, and a
    /// worksheet by its content type. `relationships` are the workbook's.
    func worksheetPart(_ sheet: String, target: String?, relationships: [Relationship],
                       in archive: ZipArchive) throws -> String {
        func refuse(_ defect: PackageDefect) -> XLSXError { XLSXError(.brokenPackage(defect), file: archive.file) }
        guard let target, archive.entry(named: target) != nil else {
            // Guessing which part holds which sheet could attach data to the wrong sheet.
            throw refuse(relationships.isEmpty ? .noWorkbookRelationships(part: PartName.relationshipsPart(of: workbookPart))
                                               : .sheetPartMissing(sheet: sheet))
        }
        let type = contentTypes.type(of: target)
        guard type == ContentTypes.worksheet else { throw refuse(.sheetContentType(sheet: sheet, part: target, found: type)) }
        return target
    }

    /// A package of another kind than a workbook, told by its parts: what to call it, or nil.
    private static func otherKind(of archive: ZipArchive, hasContentTypes: Bool, mainType: String?) -> XLSXError.Kind? {
        if let mainType {
            if mainType.contains("wordprocessingml") || mainType.contains("ms-word") { return .otherOfficePackage("Word 文档") }
            if mainType.contains("presentationml") || mainType.contains("ms-powerpoint") { return .otherOfficePackage("PowerPoint 演示文稿") }
            return nil
        }
        if !hasContentTypes && (archive.entry(named: "mimetype") != nil || archive.entry(named: "content.xml") != nil) {
            return .openDocument
        }
        if archive.entry(named: "word/document.xml") != nil { return .otherOfficePackage("Word 文档") }
        if archive.entry(named: "ppt/presentation.xml") != nil { return .otherOfficePackage("PowerPoint 演示文稿") }
        return nil
    }
}
