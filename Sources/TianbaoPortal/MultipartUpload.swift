import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` upload streamed to a file in `.incoming/` as it arrives, never held
/// whole in memory: the part named `file` goes to disk (under a name the server makes up; the
/// client's file name is kept only as text), the small fields (`csrf`) are kept. A body over the
/// limit stops the upload with 413 and its file is removed.
struct MultipartUpload {
    /// The received file, in `.incoming/`.
    var path: String
    var size: Int
    /// The name the client gave the file (shown, never used as a path).
    var clientName: String?
    /// Small fields, by name.
    var fields: [String: String]

    /// Receives the body of `request` into a new file in `folder`.
    static func receive(_ request: Request, into folder: String, maxFileBytes: Int, maxBodyBytes: Int) async throws -> MultipartUpload {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.boundary(type) else {
            throw PortalRefusal.notMultipart
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            try await drain(request.body, upTo: 4 * maxBodyBytes)
            throw PortalRefusal.tooLarge(limit: maxFileBytes)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent(UUID().uuidString.lowercased() + ".part")
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw PortalRefusal.cannotStore(errno: errno) }
        let sink = PartSink(fd: fd, maxFileBytes: maxFileBytes)
        var done = false
        defer {
            close(fd)
            if !done { unlink(path) }
        }
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in sink.header(name, value) }
        parser.onBody = { buffer in sink.body(&buffer) }
        parser.onPartComplete = { sink.partComplete() }
        var total = 0
        var iterator = request.body.makeAsyncIterator()
        while let buffer = try await iterator.next() {
            total += buffer.readableBytes
            if total > maxBodyBytes { sink.failure = .tooLarge(limit: maxFileBytes) }
            if sink.failure == nil {
                do {
                    try parser.execute(buffer)
                } catch {
                    sink.failure = .malformedForm
                }
            }
            if let failure = sink.failure {
                // The rest of the body is read and dropped (a client that sends its whole body
                // before it reads the answer would otherwise never see it), up to a bound.
                var more = 0
                while more < 4 * maxBodyBytes, let rest = try await iterator.next() { more += rest.readableBytes }
                throw failure
            }
        }
        if let failure = sink.failure { throw failure }
        guard sink.sawFile else {
            throw PortalRefusal.noFile
        }
        guard fsync(fd) == 0 else { throw PortalRefusal.cannotStore(cause: nil) }
        done = true
        return MultipartUpload(path: path, size: sink.fileBytes, clientName: sink.clientName, fields: sink.fields)
    }

    /// Reads and drops a body, up to `limit` bytes.
    static func drain(_ body: RequestBody, upTo limit: Int) async throws {
        var total = 0
        for try await buffer in body {
            total += buffer.readableBytes
            if total > limit { return }
        }
    }

    /// The boundary parameter of a multipart content type.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }
}

/// Where the parser's parts go: the `file` part to the file, small fields to memory.
private final class PartSink {
    let fd: Int32
    let maxFileBytes: Int
    var fields: [String: String] = [:]
    var clientName: String?
    var sawFile = false
    var fileBytes = 0
    var failure: PortalRefusal?
    private var name: String?
    private var isFile = false
    private var fieldBytes: [UInt8] = []

    init(fd: Int32, maxFileBytes: Int) {
        self.fd = fd
        self.maxFileBytes = maxFileBytes
    }

    func header(_ name: String, _ value: String) {
        guard name.lowercased() == "content-disposition" else { return }
        self.name = Self.parameter("name", in: value)
        isFile = self.name == "file" && !sawFile
        if isFile {
            sawFile = true
            clientName = Self.parameter("filename", in: value)
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        guard failure == nil else { return }
        if isFile {
            fileBytes += buffer.readableBytes
            if fileBytes > maxFileBytes {
                failure = .tooLarge(limit: maxFileBytes)
                return
            }
            buffer.withUnsafeReadableBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = .cannotStore(errno: errno)
                        return
                    }
                    offset += n
                }
            }
        } else if name != nil, fieldBytes.count + buffer.readableBytes <= 4096 {
            fieldBytes += buffer.readableBytesView
        }
    }

    func partComplete() {
        if let name, !isFile, fields[name] == nil {
            fields[name] = String(decoding: fieldBytes, as: UTF8.self)
        }
        name = nil
        isFile = false
        fieldBytes = []
    }

    /// `name="…"` in a Content-Disposition value.
    static func parameter(_ key: String, in value: String) -> String? {
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var v = pair[1]
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }
}
