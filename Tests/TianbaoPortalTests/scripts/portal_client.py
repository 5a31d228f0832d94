"""A small client of the Tianbao portal for the tests and the load bench (standard library only):
start and stop `tianbao serve`, upload a file as a unit's page does, read the board."""

import atexit
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tianbao serve` on a loopback port, stopped by `stop()` (SIGTERM) or `kill()` (SIGKILL)."""

    def __init__(self, binary, data, key, round_id="2021-06", port=None, extra=()):
        self.port = port or free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(data, "..", "serve-%d.log" % self.port), "ab")
        self.process = subprocess.Popen(
            [binary, "serve", "--data", data, "--round", round_id, "--listen", "127.0.0.1:%d" % self.port, "--key", key, *extra],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        atexit.register(self.kill)  # a script that fails leaves no server behind
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("serve exited with %s" % self.process.returncode)
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("serve did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.log.close()


def links(binary, key, base, round_id="2021-06"):
    """{unit name: link path} and the office's, from `tianbao links --format csv`."""
    out = subprocess.run([binary, "links", "--round", round_id, "--base-url", base, "--key", key, "--format", "csv"],
                         check=True, capture_output=True, text=True).stdout
    rows = [line.split(",", 1) for line in out.strip().splitlines()[1:]]
    return {name: urllib.parse.urlparse(url).path for name, url in rows}


def request(port, method, path, body=None, headers=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, urllib.parse.quote(path, safe="/?=&"), body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def form_token(port, link):
    status, _, body = request(port, "GET", link, headers={"Accept": "application/json"})
    assert status == 200, (status, body)
    return json.loads(body)["csrf"]


def multipart(data, csrf, filename="upload.xlsx"):
    boundary = "----tianbao" + uuid.uuid4().hex[:12]
    head = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n" % (boundary, csrf, boundary, filename)).encode()
    tail = ("\r\n--%s--\r\n" % boundary).encode()
    return head + data + tail, "multipart/form-data; boundary=" + boundary


def upload(port, link, path, csrf=None):
    """Uploads the file at `path` as the unit's page does (Accept: application/json); returns
    (status, upload id, answer JSON or None)."""
    with open(path, "rb") as f:
        data = f.read()
    csrf = csrf or form_token(port, link)
    body, ctype = multipart(data, csrf)
    status, headers, answer = request(port, "POST", link + "upload", body,
                                      {"Content-Type": ctype, "Accept": "application/json"})
    try:
        parsed = json.loads(answer)
    except ValueError:
        parsed = None
    return status, headers.get("X-Tianbao-Upload"), parsed, headers


def board(port, office):
    status, _, body = request(port, "GET", office + "board.json", headers={"Accept": "application/json"})
    assert status == 200, (status, body)
    return json.loads(body)


def merge(port, office):
    csrf = form_token_office(port, office)
    status, _, body = request(port, "POST", office + "merge", "csrf=" + csrf,
                              {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}, timeout=600)
    return status, json.loads(body)


def form_token_office(port, office):
    status, _, body = request(port, "GET", office)
    m = re.search(rb'name="csrf" value="([0-9a-f]+)"', body)
    assert status == 200 and m, status
    return m.group(1).decode()
