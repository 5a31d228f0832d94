#!/bin/sh
# Renders what leaders receive into docs/, for the guide, as `make demo` makes it: the sample
# year merged in order into a fresh archive, then every sheet of June's 汇总 (LibreOffice -> PDF
# -> PNG, the first page of each sheet; 总览 and 进度趋势 compare with May), June's .docx
# briefing (every page), the HTML briefing (headless Chromium; skipped with a note when not
# installed), and the year's review (回头看: every sheet, and its .docx).
# Needs: LibreOffice (calc + writer), poppler-utils, fonts-noto-cjk; chromium for the HTML.
set -eu
cd "$(dirname "$0")/.."
ROUND=2021-06
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export FONTCONFIG_FILE="$PWD/scripts/render/fonts.conf"
LO="soffice --headless -env:UserInstallation=file://$OUT/lo"

# Renders the first page of each named sheet of PDF into docs/PREFIX-<sheet>.png at RES dpi; each
# page's header names its sheet (&A), so a sheet's first page is found by its text (the first
# sheet is page 1). Prints the sheets found.
first_pages() {
    pdf=$1 prefix=$2 res=$3
    shift 3
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    seen=""
    first_sheet=$1
    for sheet in "$@"; do
        p=1
        while [ "$p" -le "$pages" ]; do
            first=$(pdftotext -layout -f "$p" -l "$p" "$pdf" - | head -1)
            if [ "$sheet" = "$first_sheet" ] && [ "$p" = 1 ] || echo "$first" | grep -q " $sheet "; then
                pdftoppm -r "$res" -png -f "$p" -l "$p" -singlefile "$pdf" "docs/$prefix-$sheet"
                seen="$seen $sheet"
                break
            fi
            p=$((p + 1))
        done
    done
    echo "$pages pages; rendered:$seen"
}

swift build --product tianbao >/dev/null
for r in 2021-03 2021-04 2021-05 $ROUND; do
    dir="$OUT/year/$r"
    [ "$r" = "$ROUND" ] && dir="$OUT/year/merged"
    # Issue dates as the office would give them (the renderings do not change with the day they are made).
    date=$([ "$r" = "$ROUND" ] && echo 2021-06-17 || echo "$r-28")
    .build/debug/tianbao merge "samples/submissions/$r" --round "$r" --out "$dir" --archive "$OUT/year/archive.sqlite" \
        --key keys/demo-signing.key --date "$date" >/dev/null || true   # exit 1: some units did not report
done
ln -s "$OUT/year/merged" "$OUT/merged"
.build/debug/tianbao review --year 2021 --out "$OUT/year/review" --archive "$OUT/year/archive.sqlite" --date 2021-06-18 >/dev/null
mkdir -p docs "$OUT/pdf"

# 汇总: one PDF, the first page of each sheet.
cp "$OUT/merged/汇总-$ROUND.xlsx" "$OUT/pdf/workbook.xlsx"
$LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/workbook.xlsx" >/dev/null 2>&1
rm -f docs/汇总-*.png
echo "汇总: $(first_pages "$OUT/pdf/workbook.pdf" 汇总 70 总览 进度趋势 报送情况 任务进展 任务矩阵 量化指标 小区台账 宣传信息 联络员 校验问题)"

# The ledger's unit subtotals (the page that starts them).
p=1
while [ "$p" -le "$(pdfinfo "$OUT/pdf/workbook.pdf" | awk '/^Pages:/ {print $2}')" ]; do
    if pdftotext -layout -f "$p" -l "$p" "$OUT/pdf/workbook.pdf" - | grep -q "各单位小计与合计"; then
        pdftoppm -r 70 -png -f "$p" -l "$p" -singlefile "$OUT/pdf/workbook.pdf" "docs/汇总-小区台账-小计"
        break
    fi
    p=$((p + 1))
done

# Two units' 反馈: 武昌区 (errors, a warning, an explained warning) and 洪山区 (returned for an
# altered task text, which the feedback restores): the problem list and 填报说明 with its 自查.
rm -f docs/反馈-*.png
for unit in 武昌区人民政府 洪山区人民政府; do
    cp "$OUT/merged/反馈/$unit-$ROUND-反馈.xlsx" "$OUT/pdf/feedback.xlsx"
    $LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/feedback.xlsx" >/dev/null 2>&1
    pdftoppm -r 70 -png -f 1 -l 1 -singlefile "$OUT/pdf/feedback.pdf" "docs/反馈-$unit-问题清单"
    pdftoppm -r 70 -png -f 2 -l 2 -singlefile "$OUT/pdf/feedback.pdf" "docs/反馈-$unit-填报说明"
done
echo "反馈: docs/反馈-*.png"

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

# The year's review (回头看): the first page of each sheet, and every page of its .docx.
cp "$OUT/year/review/回头看-2021.xlsx" "$OUT/pdf/review.xlsx"
$LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/review.xlsx" >/dev/null 2>&1
rm -f docs/review-*.png
echo "回头看: $(first_pages "$OUT/pdf/review.pdf" review 60 总览 报送情况 任务进展历程 目标完成 小区台账状态变化 问题跟踪 宣传信息月度统计 量化指标完成 整改清单)"
cp "$OUT/year/review/回头看简报-2021.docx" "$OUT/pdf/review-briefing.docx"
$LO --convert-to pdf --outdir "$OUT/pdf" "$OUT/pdf/review-briefing.docx" >/dev/null 2>&1
rm -f docs/review-docx-*.png
pdftoppm -r 60 -png "$OUT/pdf/review-briefing.pdf" "docs/review-docx"
echo "回头看简报.docx: $(pdfinfo "$OUT/pdf/review-briefing.pdf" | awk '/^Pages:/ {print $2}') pages"
