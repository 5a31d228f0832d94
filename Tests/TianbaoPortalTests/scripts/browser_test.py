"""The portal in a real browser (Debian's chromium, driven headless through chromium-driver
and python3-selenium; nothing is downloaded): a unit uploads a sample with known problems and
sees each problem's cell and message; uploads the corrected file and sees it accepted; the
office sees both units' states on the board, clicks 汇总 and downloads the consolidated
workbook, whose report.json equals the CLI's merge of the same folder.

Usage: browser_test.py TIANBAO SAMPLES KEY SCRATCH [SCREENSHOTS]   (prints PASS or raises)"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
import portal_client as pc

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

binary, samples, key, scratch = sys.argv[1:5]
shots = sys.argv[5] if len(sys.argv) > 5 else None
shutil.rmtree(scratch, ignore_errors=True)
data = os.path.join(scratch, "data")
downloads = os.path.join(scratch, "downloads")
os.makedirs(data)
os.makedirs(downloads)


def corrected(source, target):
    """市民政局's sample with its one error fixed (滞后 with 存在问题 filled in), saved by openpyxl,
    the template's identity (custom document properties) put back as a clerk's Excel keeps it."""
    import openpyxl
    wb = openpyxl.load_workbook(source)
    ws = wb["任务进展"]
    ws["J4"] = "征求意见范围较广，汇总时间比计划长两周。"
    wb.save(target)
    with zipfile.ZipFile(source) as s:
        custom = s.read("docProps/custom.xml")
        types = s.read("[Content_Types].xml")
        rels = s.read("_rels/.rels")
    tmp = target + ".tmp"
    with zipfile.ZipFile(target) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename in ("docProps/custom.xml", "[Content_Types].xml", "_rels/.rels"):
                continue
            dst.writestr(item, src.read(item.filename))
        dst.writestr("[Content_Types].xml", types)
        dst.writestr("_rels/.rels", rels)
        dst.writestr("docProps/custom.xml", custom)
    os.replace(tmp, target)


bad = os.path.join(samples, "市民政局-2021-06.xlsx")
good = os.path.join(scratch, "市民政局-2021-06.xlsx")
corrected(bad, good)

server = pc.Server(binary, data, key)
links = pc.links(binary, key, server.base)

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--lang=zh-CN", "--disable-extensions", "--no-first-run"):
    options.add_argument(arg)
options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(120)
driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
wait = WebDriverWait(driver, 60)


def shot(name):
    if shots:
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, max(800, min(height + 40, 4000)))
        driver.save_screenshot(os.path.join(shots, name))
        driver.set_window_size(1280, 1000)


def upload_in_browser(link, path):
    driver.get(server.base + link)
    box = driver.find_element(By.CSS_SELECTOR, "input[type=file]")
    box.send_keys(path)
    driver.find_element(By.CSS_SELECTOR, "form.upload button").click()
    wait.until(lambda d: "upload=" in d.current_url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".verdict"))


try:
    # 1. The unit uploads its file with a known problem: each problem's cell and message.
    minzheng = links["市民政局"]
    driver.get(server.base + minzheng)
    assert "上传填好的模板" in driver.page_source
    shot("portal-unit-page.png")
    upload_in_browser(minzheng, bad)
    page = driver.page_source
    answer = json.loads(pc.request(server.port, "GET", minzheng, headers={"Accept": "application/json"})[2])
    assert answer["uploads"][0]["verdict"] == "errors", answer
    rows = driver.find_elements(By.CSS_SELECTOR, "table.problems tbody tr")
    cells = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert any(c[1] == "J4" and c[2] == "错误" and "存在问题" in c[3] for c in cells), cells
    assert "已接收，但有 1 处错误" in page, page
    shot("portal-unit-problems.png")

    # 2. The corrected file: accepted.
    upload_in_browser(minzheng, good)
    verdict = driver.find_element(By.CSS_SELECTOR, ".verdict").text
    assert verdict.startswith("通过"), verdict
    assert not driver.find_elements(By.CSS_SELECTOR, "table.problems"), "no problem table expected"
    shot("portal-unit-accepted.png")

    # Another unit hands in its file with errors (for the board).
    upload_in_browser(links["武昌区人民政府"], os.path.join(samples, "武昌区人民政府-2021-06.xlsx"))

    # 3. The office: both states on the board, refreshed without reloading.
    office = links["办公室"]
    driver.get(server.base + office)
    def state(name):
        # Read in one go: the page replaces the board's rows when it refreshes.
        rows = driver.execute_script(
            "return Array.from(document.querySelectorAll('#board tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent))")
        for tds in rows:
            if tds and tds[0] == name:
                return tds[1]
    assert state("市民政局") == "通过", state("市民政局")
    assert state("武昌区人民政府") == "已接收（有错误）", state("武昌区人民政府")
    assert state("江岸区人民政府") == "未报送"
    pc.upload(server.port, links["江岸区人民政府"], os.path.join(samples, "江岸区人民政府-2021-06.xlsx"))
    wait.until(lambda d: state("江岸区人民政府") == "通过（有提示）")  # the page refreshed itself
    assert "自动刷新" in driver.find_element(By.ID, "board-updated").text
    shot("portal-office-board.png")

    # The archive as it is before the portal's merge (the uploads recorded, no round yet), for
    # the CLI's merge below: SQLite's online backup, as the server keeps it open in WAL mode.
    import sqlite3
    cli = os.path.join(scratch, "cli")
    os.makedirs(cli)
    source = sqlite3.connect(os.path.join(data, "tianbao-archive.sqlite"))
    copy = sqlite3.connect(os.path.join(cli, "tianbao-archive.sqlite"))
    source.backup(copy)
    copy.close()
    source.close()

    # 4. 汇总, then the consolidated workbook downloaded.
    driver.find_element(By.CSS_SELECTOR, "form[action=merge] button").click()
    wait.until(lambda d: "merge=" in d.current_url)
    assert "最近一次汇总" in driver.page_source
    link = driver.find_element(By.PARTIAL_LINK_TEXT, "汇总-2021-06.xlsx")
    link.click()
    target = os.path.join(downloads, "汇总-2021-06.xlsx")
    deadline = time.time() + 60
    while time.time() < deadline and not os.path.exists(target):
        time.sleep(0.2)
    assert os.path.exists(target), os.listdir(downloads)
    shot("portal-office-merged.png")

    # The year's 回头看 from the archive the 汇总 recorded into.
    driver.find_element(By.CSS_SELECTOR, "form[action=review] button").click()
    wait.until(lambda d: "review=2021" in d.current_url)
    review_links = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a[href^='review/']")]
    assert any(t.endswith(".xlsx") for t in review_links) and any(t.endswith(".docx") for t in review_links), review_links
    out = os.path.join(data, "out", "2021-06")
    assert filecmp.cmp(target, os.path.join(out, "汇总-2021-06.xlsx"), shallow=False)
    portal_report = pc.request(server.port, "GET", office + "out/report.json")[2]

    # The CLI's merge of the same folder (laid out the same way, with the archive as it was
    # before the portal's merge) gives the same report.json and the same consolidated workbook;
    # lateness is judged by the time received, from the upload records.
    assert json.loads(portal_report)["totals"]["late"] == 3, portal_report
    shutil.copytree(os.path.join(data, "submissions"), os.path.join(cli, "submissions"))
    r = subprocess.run([binary, "merge", os.path.join(cli, "submissions", "2021-06"), "--round", "2021-06",
                        "--out", os.path.join(cli, "out", "2021-06"), "--archive", os.path.join(cli, "tianbao-archive.sqlite"),
                        "--key", key, "--quiet"], capture_output=True, text=True)
    assert r.returncode in (0, 1), r
    with open(os.path.join(cli, "out", "2021-06", "report.json"), "rb") as f:
        assert f.read() == portal_report, "report.json differs"
    assert filecmp.cmp(os.path.join(cli, "out", "2021-06", "汇总-2021-06.xlsx"), target, shallow=False), "汇总 differs"
finally:
    driver.quit()
    server.stop()
print("PASS: problems shown cell by cell, correction accepted, board live, 汇总 downloaded, report.json equal to the CLI's")
