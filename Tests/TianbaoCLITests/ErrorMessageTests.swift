import Foundation
import XCTest
@testable import TianbaoCLI
@testable import XLSX

/// What a user reads when the file system fails under a command: Chinese, naming the path.
final class ErrorMessageTests: XCTestCase {
    func testFileSystemErrorsAreSaidInChinese() {
        let full = CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/out/汇总-2021-06.xlsx"])
        XCTAssertEqual(userMessage(for: full), "错误：磁盘空间不足，无法写入“/out/汇总-2021-06.xlsx”。")
        XCTAssertEqual(userMessage(for: CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/out"])),
                       "错误：没有权限访问“/out”。")
        XCTAssertEqual(userMessage(for: XLSXWriteError(file: "汇总.xlsx", detail: "No space left on device")),
                       "错误：无法写入文件“汇总.xlsx”：No space left on device")
        XCTAssertNil(userMessage(for: CancellationError()), "other errors keep the parser's own message")
    }
}
