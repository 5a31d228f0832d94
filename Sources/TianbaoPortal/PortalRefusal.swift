import Foundation
import HTTPTypes
import Hummingbird
import TianbaoSupport

/// Why the portal refused a request: what was refused, with the parts that name it. Its status
/// code, its extra headers and its Chinese message are rendered here and nowhere else: an HTML
/// page for a browser, `{"error":…}` for a client that asked for JSON.
enum PortalRefusal: Error, Equatable {
    /// A link the portal does not serve (a wrong round, unit or token), or a page that does not
    /// exist: 404, the same answer for both.
    case notFound
    /// Too many requests on one link; the client may try again after `wait` seconds.
    case tooManyRequests(wait: Int)
    /// A form's address opened with GET.
    case postOnly
    /// A form submitted from another site or with a token that is not the page's.
    case forged
    /// A file of an output folder that was listed but is gone when it is opened (a merge
    /// replaced the folder meanwhile).
    case downloadGone(file: String)
    /// An output file name the round's output folder does not hold.
    case noSuchOutput(file: String)
    /// A 反馈 asked for while the unit's stored file of the round has no problem.
    case nothingToFeedBack(unit: String, round: String)
    /// An upload whose request is not a multipart form.
    case notMultipart
    /// An upload larger than the limit, in bytes.
    case tooLarge(limit: Int)
    /// An upload whose multipart body could not be parsed.
    case malformedForm
    /// An upload whose form carried no file.
    case noFile
    /// An upload the server could not store: the system's reason, or nil when writing it to
    /// disk failed.
    case cannotStore(cause: String?)
    /// An upload stored but not readable back for its digest.
    case cannotReadUpload
    /// An upload refused because every checker is busy; the client may retry after 5 seconds.
    case checksBusy
    /// A merge asked for while another runs.
    case mergeBusy
    /// A review asked for while another is being made.
    case reviewBusy
    /// A review that failed, with the run's own message.
    case reviewFailed(message: String)
    /// An error Hummingbird raised (a route that does not exist, a method it does not take, a
    /// body over its limit), with the body it gave, if any.
    case http(HTTPResponse.Status, body: String?)

    /// Seconds a client is asked to wait when every checker is busy.
    static let checksBusyRetrySeconds = 5

    /// The response's status.
    var status: HTTPResponse.Status {
        switch self {
        case .notFound, .downloadGone, .noSuchOutput, .nothingToFeedBack: return .notFound
        case .tooManyRequests: return .tooManyRequests
        case .postOnly: return .methodNotAllowed
        case .forged: return .forbidden
        case .notMultipart, .malformedForm, .noFile: return .badRequest
        case .tooLarge: return .contentTooLarge
        case .cannotStore, .cannotReadUpload, .reviewFailed: return .internalServerError
        case .checksBusy: return .serviceUnavailable
        case .mergeBusy, .reviewBusy: return .conflict
        case .http(let status, _): return status
        }
    }

    /// Headers the refusal adds: when to retry, which method to use.
    var headers: HTTPFields {
        switch self {
        case .tooManyRequests(let wait): return [.retryAfter: String(wait)]
        case .checksBusy: return [.retryAfter: String(Self.checksBusyRetrySeconds)]
        case .postOnly: return [.allow: "POST"]
        default: return [:]
        }
    }

    /// What the visitor reads.
    var message: String {
        switch self {
        case .notFound: return Self.defaultMessage(.notFound)
        case .tooManyRequests(let wait): return "请求过于频繁，请 \(wait) 秒后再试。"
        case .postOnly: return "这个地址只接受表单提交（POST）。请回到本页面用按钮操作。"
        case .forged: return "表单已过期或不是从本页面提交的，已拒绝。请回到本页面重新操作。"
        case .downloadGone: return "文件不存在（可能正在重新汇总），请刷新页面后再下载。"
        case .noSuchOutput: return "没有这个汇总结果文件。请刷新页面，从列表中下载。"
        case .nothingToFeedBack: return "本单位本轮的文件没有需要反馈的问题。"
        case .notMultipart: return "请求格式不对：上传须为 multipart/form-data 表单，文件放在名为 file 的字段中。"
        case .tooLarge(let limit):
            return "文件太大：每次上传不超过 \(UploadLimits.words(limit))。填报模板填好后通常不到 1 MB；请确认上传的是本单位的填报模板，而不是其他文件。"
        case .malformedForm: return "上传的表单数据不完整或格式不对，请重新上传。"
        case .noFile: return "没有收到文件：请在表单中选择要上传的 .xlsx 文件（字段名 file）后再提交。"
        case .cannotStore(let cause): return "服务器无法保存上传的文件（\(cause ?? "磁盘写入失败")）。"
        case .cannotReadUpload: return "服务器无法读取刚收到的文件，请重新上传。"
        case .checksBusy: return "正在校验的文件较多，本次上传未处理，请 \(Self.checksBusyRetrySeconds) 秒后重新上传。"
        case .mergeBusy: return "另一次汇总正在进行。同一时间只运行一次汇总：请等它结束（看板上的按钮恢复可用）后再点“汇总”。"
        case .reviewBusy: return "回头看正在生成，请等它结束后再点。"
        case .reviewFailed(let message): return message
        case .http(let status, let body): return body ?? Self.defaultMessage(status)
        }
    }

    /// The message of a status no refusal above explains.
    static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "页面不存在。请核对链接是否完整（链接由办公室发给各单位，不要改动其中的任何字符）。"
        case 405: return "不支持这种请求方式。"
        case 413: return "上传的文件太大。"
        default: return "请求未能完成（\(status.code)）。"
        }
    }

    /// A refusal because the system refused to open or write the upload's file (`errno`).
    static func cannotStore(errno code: Int32) -> PortalRefusal {
        .cannotStore(cause: String(cString: strerror(code)))
    }

    /// The response: a page for a browser, JSON for a client that asked for it.
    func response(for request: Request) -> Response {
        var response: Response
        if request.wantsJSON {
            response = .json("{\"error\":\(JSONWriter.quote(message))}\n", status: status)
        } else {
            response = .html(Page.refusal(status: status.code, message: message), status: status)
        }
        for field in headers { response.headers.append(field) }
        return response
    }
}
