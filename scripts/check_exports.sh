#!/usr/bin/env bash
# Export every demo project to PDF and Excel, render the PDF pages to PNG (pdftoppm) and
# convert each workbook with LibreOffice headless (a second, independent reader), so a
# person can look at both next to the seed forms in ../shared/seeds/.
#   bash scripts/check_exports.sh [OUT_DIR]        (default: export-check/)
# Needs Debian's poppler-utils and libreoffice-calc-nogui (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-export-check}"
bash scripts/setup.sh
for tool in pdftoppm:poppler-utils soffice:libreoffice-calc-nogui; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends "${tool##*:}"
done
export DEBUG=1 SQLITE_PATH="$out/check.sqlite3"
mkdir -p "$out/png" "$out/libreoffice"
rm -f "$SQLITE_PATH"
.venv/bin/python manage.py demo >/dev/null
.venv/bin/python manage.py export_projects --out "$out"
for pdf in "$out"/*.pdf; do
  pdftoppm -png -r 60 "$pdf" "$out/png/$(basename "${pdf%.pdf}")"
done
soffice --headless --convert-to pdf --outdir "$out/libreoffice" "$out"/*.xlsx >/dev/null
for pdf in "$out"/libreoffice/*.pdf; do
  pdftoppm -png -r 60 "$pdf" "$out/png/$(basename "${pdf%.pdf}")-libreoffice"
done
echo "PNG pages in $out/png/: *-N.png from our PDFs, *-libreoffice-N.png from the workbooks."
