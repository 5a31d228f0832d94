import Foundation
import Hummingbird

/// Downloads with their names in both forms RFC 6266 allows: `filename="…"` (ASCII, for old
/// clients) and `filename*=UTF-8''…` (RFC 5987, the Chinese name every current browser uses).
enum Download {
    static let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func contentDisposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "xlsx": return xlsx
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "json": return "application/json; charset=utf-8"
        case "html": return "text/html; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// Bytes made on request (a template, a 反馈 workbook, the CSV).
    static func response(_ data: Data, name: String) -> Response {
        Response(status: .ok,
                 headers: [.contentType: contentType(name), .contentDisposition: contentDisposition(name),
                           .contentLength: String(data.count)],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A file of the output folder, streamed from disk.
    static func file(_ path: String, name: String) throws -> Response {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PortalRefusal.downloadGone(file: name)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? handle.close() }
            while true {
                let chunk = try handle.read(upToCount: 1 << 18) ?? Data()
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: contentType(name), .contentDisposition: contentDisposition(name)]
        if let size { headers[.contentLength] = String(size) }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// The upload record as CSV (UTF-8 with a byte-order mark, so Excel shows the Chinese): a text
/// cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`.
enum CSV {
    static func line(_ cells: [String]) -> String {
        cells.map { cell -> String in
            var c = cell
            if let first = c.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { c = "'" + c }
            return c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
        }.joined(separator: ",") + "\r\n"
    }
}
