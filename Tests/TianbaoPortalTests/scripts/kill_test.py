"""A server killed with SIGKILL in the middle of an upload, then started again: no upload that
was answered is lost, no half-written file is kept, and the board is right.

Usage: kill_test.py TIANBAO SAMPLES KEY SCRATCH   (prints PASS or raises)"""

import hashlib
import os
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import portal_client as pc

binary, samples, key, scratch = sys.argv[1:5]
data = os.path.join(scratch, "data")
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(data)

def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()

answered = {
    "武昌区人民政府": "武昌区人民政府-2021-06.xlsx",
    "市发展改革委": "市发展改革委-2021-06.xlsx",
    "洪山区人民政府": "洪山区人民政府-2021-06.xlsx",
    "江岸区人民政府": "江岸区人民政府-2021-06.xlsx",
}

server = pc.Server(binary, data, key)
links = pc.links(binary, key, server.base)
office = links["办公室"]
for unit, name in answered.items():
    status, upload_id, answer, _ = pc.upload(server.port, links[unit], os.path.join(samples, name))
    assert status == 200 and upload_id and answer["stored"], (unit, status, answer)

# 青山区's upload: the headers and half the body sent, then the server is killed.
big = os.path.join(samples, "青山区人民政府-2021-06.xlsx")
with open(big, "rb") as f:
    data_bytes = f.read()
csrf = pc.form_token(server.port, links["青山区人民政府"])
body, ctype = pc.multipart(data_bytes, csrf)
sock = socket.create_connection(("127.0.0.1", server.port))
head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %d\r\nAccept: application/json\r\n\r\n"
        % (pc.urllib.parse.quote(links["青山区人民政府"] + "upload"), ctype, len(body))).encode()
sock.sendall(head + body[: len(body) // 2])
incoming = os.path.join(data, ".incoming")
deadline = time.time() + 20
while time.time() < deadline and not (os.path.isdir(incoming) and os.listdir(incoming)):
    time.sleep(0.05)
assert os.listdir(incoming), "the upload did not start"
server.kill()
sock.close()
half = os.listdir(incoming)
assert half, "nothing half-received to clean"

# Started again.
server = pc.Server(binary, data, key)
assert os.listdir(incoming) == [], os.listdir(incoming)
folder = os.path.join(data, "submissions", "2021-06")
assert sorted(os.listdir(folder)) == sorted(u + "-2021-06.xlsx" for u in answered), os.listdir(folder)
for unit, name in answered.items():
    assert sha(os.path.join(folder, unit + "-2021-06.xlsx")) == sha(os.path.join(samples, name)), unit
b = pc.board(server.port, office)
states = {u["unit"]: u["state"] for u in b["units"]}
assert states["武昌区人民政府"] == "已接收（有错误）", states
assert states["市发展改革委"] == "通过", states
assert states["洪山区人民政府"] == "退回", states
assert states["江岸区人民政府"] == "通过（有提示）", states
assert states["青山区人民政府"] == "未报送", states
assert b["totals"]["missing"] == len(b["units"]) - 4, b["totals"]

# A file stored by an upload killed before its record was written: recorded at the next start.
server.stop()
shutil.copy(big, os.path.join(folder, "青山区人民政府-2021-06.xlsx"))
server = pc.Server(binary, data, key)
b = pc.board(server.port, office)
states = {u["unit"]: u["state"] for u in b["units"]}
assert states["青山区人民政府"] != "未报送", states
# And the upload can simply be sent again: the same bytes are the same record.
status, first_id, _, _ = pc.upload(server.port, links["青山区人民政府"], big)
status2, second_id, _, _ = pc.upload(server.port, links["青山区人民政府"], big)
assert status == status2 == 200 and first_id == second_id, (status, status2, first_id, second_id)

# SIGTERM while a 汇总 runs: the server stops cleanly and soon; the merge leaves either no outputs
# (stopped before its switch) or complete ones (it had switched), never a half.
import threading
outcome = {}
def run_merge():
    try:
        outcome["merge"] = pc.merge(server.port, office)
    except Exception as e:  # the connection closes when the server stops
        outcome["error"] = repr(e)
t = threading.Thread(target=run_merge)
t.start()
time.sleep(0.5)
start = time.time()
assert server.stop() == 0
assert time.time() - start < 60, time.time() - start
t.join(60)
out = os.path.join(data, "out")
leftovers = [n for n in os.listdir(out) if n != "2021-06"] if os.path.isdir(out) else []
assert leftovers == [], leftovers
if os.path.isdir(os.path.join(out, "2021-06")):
    assert os.path.exists(os.path.join(out, "2021-06", "report.json")), os.listdir(os.path.join(out, "2021-06"))
print("SIGTERM during 汇总: %s" % (outcome.get("merge", outcome.get("error")),))
print("PASS: %d answered uploads kept, %d half-received file(s) removed, board right after restart" % (len(answered), len(half)))
