import Hummingbird

/// The portal's one style sheet and one script, served from the portal itself (the content
/// security policy allows nothing else: no inline style or script, no other origin).
enum Assets {
    static func add(to router: Router<PortalContext>) {
        router.get("assets/portal.css") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        router.get("assets/portal.js") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: script)))
        }
    }

    static let css = """
    body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
           margin: 0; color: #1f2328; background: #f6f7f9; font-size: 15px; line-height: 1.6; }
    header { background: #b71c1c; color: #fff; padding: 14px 24px; }
    header h1 { margin: 0; font-size: 20px; font-weight: 600; }
    header p { margin: 4px 0 0; font-size: 14px; opacity: .9; }
    main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
    section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 14px 18px; margin: 14px 0; }
    h2 { font-size: 17px; margin: 0 0 10px; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { border: 1px solid #d8dde3; padding: 5px 8px; text-align: left; vertical-align: top; }
    th { background: #eef1f4; font-weight: 600; }
    td.num { text-align: right; white-space: nowrap; }
    .verdict { font-size: 18px; font-weight: 600; padding: 8px 12px; border-radius: 4px; margin: 6px 0 10px; }
    .ok { color: #1a7f37; } .warn { color: #9a6700; } .bad { color: #cf222e; } .missing { color: #57606a; }
    .verdict.ok { background: #dafbe1; } .verdict.warn { background: #fff8c5; } .verdict.bad { background: #ffebe9; }
    .verdict.missing { background: #eef1f4; }
    .note { color: #57606a; font-size: 13px; }
    .notice { background: #ddf4ff; border: 1px solid #54aeff; padding: 8px 12px; border-radius: 4px; }
    .button, button { display: inline-block; background: #b71c1c; color: #fff; border: 0; border-radius: 4px;
           padding: 7px 16px; font-size: 15px; text-decoration: none; cursor: pointer; }
    .button.secondary { background: #fff; color: #b71c1c; border: 1px solid #b71c1c; }
    button[disabled] { background: #8c959f; cursor: default; }
    form.upload { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
    progress { width: 260px; }
    .hidden { display: none; }
    ul.plain { margin: 4px 0; padding-left: 20px; }
    .totals span { margin-right: 18px; }
    """

    /// Progressive enhancement only: the forms and links work without it.
    /// - Unit page: the upload goes through XMLHttpRequest so a progress bar shows; the page
    ///   then reloads to show the verdict (as the plain form's redirect does).
    /// - Office page: the board refreshes from `board.json` every few seconds, written with
    ///   `textContent` (a unit's text never becomes markup).
    static let script = """
    "use strict";
    (function () {
      var form = document.querySelector("form.upload");
      if (form && window.XMLHttpRequest && window.FormData) {
        form.addEventListener("submit", function (event) {
          var input = form.querySelector("input[type=file]");
          if (!input || !input.files || input.files.length === 0) { return; }
          event.preventDefault();
          var bar = document.getElementById("progress");
          var status = document.getElementById("upload-status");
          var button = form.querySelector("button");
          button.disabled = true;
          bar.classList.remove("hidden");
          status.textContent = "正在上传……";
          var xhr = new XMLHttpRequest();
          xhr.open("POST", form.getAttribute("action"));
          xhr.setRequestHeader("Accept", "application/json");
          xhr.upload.addEventListener("progress", function (e) {
            if (e.lengthComputable) {
              bar.value = e.loaded / e.total;
              if (e.loaded === e.total) { status.textContent = "已上传，正在校验……"; }
            }
          });
          xhr.addEventListener("load", function () {
            var id = xhr.getResponseHeader("X-Tianbao-Upload");
            if (id) { window.location.href = "./?upload=" + encodeURIComponent(id); return; }
            var message = "上传未完成（" + xhr.status + "）。";
            try { message = JSON.parse(xhr.responseText).error || message; } catch (e) {}
            status.textContent = message;
            button.disabled = false;
          });
          xhr.addEventListener("error", function () {
            status.textContent = "网络中断，上传未完成，请重新上传。";
            button.disabled = false;
          });
          xhr.send(new FormData(form));
        });
      }

      var board = document.getElementById("board");
      if (board && window.fetch) {
        var every = parseInt(board.getAttribute("data-refresh"), 10) || 10;
        var stamp = document.getElementById("board-updated");
        var refresh = function () {
          fetch("board.json", { headers: { "Accept": "application/json" }, cache: "no-store" })
            .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
            .then(function (data) {
              var body = document.createElement("tbody");
              data.units.forEach(function (u) {
                var tr = document.createElement("tr");
                var cells = [u.unit, u.state + (u.refused_since ? "（最近一次上传未接收）" : ""),
                             u.received ? u.received.replace("T", " ").slice(0, 19) : "",
                             u.late ? "迟报" : "", u.verdict ? (u.errors + " / " + u.warnings) : "",
                             u.liaison || "", u.phone || "", String(u.uploads)];
                cells.forEach(function (text, i) {
                  var td = document.createElement("td");
                  td.textContent = text;
                  if (i === 1) { td.className = u["class"]; }
                  if (i === 4 || i === 7) { td.className = "num"; }
                  tr.appendChild(td);
                });
                body.appendChild(tr);
              });
              board.replaceChild(body, board.tBodies[0]);
              var t = data.totals;
              var totals = document.getElementById("totals");
              if (totals) {
                totals.textContent = "应报 " + t.expected + "，通过 " + t.accepted + "，有错误 " + t.with_errors +
                  "，退回 " + t.rejected + "，未报送 " + t.missing + "，迟报 " + t.late + "。";
              }
              if (stamp) { stamp.textContent = "看板已于 " + new Date().toLocaleTimeString("zh-CN", { hour12: false }) + " 自动刷新。"; }
            })
            .catch(function () {
              if (stamp) { stamp.textContent = "看板自动刷新失败，请稍后手动刷新页面。"; }
            });
        };
        window.setInterval(refresh, every * 1000);
      }
    })();
    """
}
