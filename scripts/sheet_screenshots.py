"""Screenshots of a sheet page at the widths the filler uses (1366 and 768 px).

Needs a running server with the demo data (``bash scripts/demo.sh`` or ``manage.py demo``
then ``runserver``)::

    .venv/bin/python scripts/sheet_screenshots.py http://127.0.0.1:8000 5 docs/editor [USER]

logs in as the demo filler ``jyxy`` (or USER, e.g. the reviewer ``jyj`` for the reading
view) and writes ``goals-<width>.png`` (the whole page, in a window as tall as the page, so
the sticky bars sit at its bottom) and ``goals-<width>-viewport.png`` (what one screen
shows) of project 5's 绩效目标 sheet into the directory given.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WIDTHS = {1366: 768, 768: 1024}


def main(base: str, pk: str, out: str, user: str = "jyxy", sheet: str = "goals") -> None:
    name = sheet if user == "jyxy" else f"{sheet}-{user}"
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=zh-CN"]
        )
        for width, height in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", "demo12345")
            page.click("button:has-text('登录')")
            page.wait_for_url(f"{base}/projects/")
            page.goto(f"{base}/projects/{pk}/sheets/{sheet}/")
            page.wait_for_selector("#sheet-side", state="attached")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out_dir / f"{name}-{width}-viewport.png"))
            full = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": width, "height": full})
            page.wait_for_timeout(300)
            page.screenshot(path=str(out_dir / f"{name}-{width}.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
