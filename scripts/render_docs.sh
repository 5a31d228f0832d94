#!/bin/sh
# Renders what leaders receive into docs/, for the README: every sheet of the sample round's
# 汇总 (LibreOffice -> PDF -> PNG, the first page of each sheet), the .docx briefing (every
# page) and the HTML briefing (headless Chromium; skipped with a note when not installed).
# Needs: LibreOffice (calc + writer), poppler-utils, fonts-noto-cjk; chromium for the HTML.
set -eu
cd "$(dirname "$0")/.."
ROUND=2021-06
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export FONTCONFIG_FILE="$PWD/scripts/render/fonts.conf"
LO="soffice --headless -env:UserInstallation=file://$OUT/lo"

swift build --product tianbao >/dev/null
.build/debug/tianbao merge "samples/submissions/$ROUND" --round "$ROUND" --out "$OUT/merged" \
    --key keys/demo-signing.key >/dev/null || true   # exit 1: some units did not report
mkdir -p docs "$OUT/pdf"

# 汇总: one PDF; each page's header names its sheet (&A), so the first page of each sheet
# is found by its text.
cp "$OUT/merged/汇总-$ROUND.xlsx" "$OUT/pdf/workbook.xlsx"
$LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/workbook.xlsx" >/dev/null 2>&1
rm -f docs/汇总-*.png
pages=$(pdfinfo "$OUT/pdf/workbook.pdf" | awk '/^Pages:/ {print $2}')
seen=""
for sheet in 总览 报送情况 任务进展 任务矩阵 量化指标 小区台账 宣传信息 联络员 校验问题; do
    p=1
    while [ "$p" -le "$pages" ]; do
        first=$(pdftotext -layout -f "$p" -l "$p" "$OUT/pdf/workbook.pdf" - | head -1)
        if [ "$sheet" = 总览 ] && [ "$p" = 1 ] || echo "$first" | grep -q " $sheet "; then
            pdftoppm -r 70 -png -f "$p" -l "$p" -singlefile "$OUT/pdf/workbook.pdf" "docs/汇总-$sheet"
            seen="$seen $sheet"
            break
        fi
        p=$((p + 1))
    done
done
echo "汇总: $pages pages; rendered:$seen"

# The .docx briefing: every page.
cp "$OUT/merged/简报-$ROUND.docx" "$OUT/pdf/briefing.docx"
$LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/briefing.docx" >/dev/null 2>&1
rm -f docs/简报-docx-*.png
pdftoppm -r 60 -png "$OUT/pdf/briefing.pdf" "docs/简报-docx"
echo "简报.docx: $(pdfinfo "$OUT/pdf/briefing.pdf" | awk '/^Pages:/ {print $2}') pages"

# The HTML briefing.
if command -v chromium >/dev/null 2>&1; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,3200 \
        --screenshot="$PWD/docs/briefing.png" "file://$OUT/merged/简报-$ROUND.html" >/dev/null 2>&1
    echo "简报.html: docs/briefing.png"
else
    echo "chromium not installed: docs/briefing.png not refreshed (apt-get install chromium)"
fi
