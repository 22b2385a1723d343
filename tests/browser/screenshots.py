"""Write the README's screenshots (docs/*.png): ``python -m tests.browser.screenshots``.

A case page and the Mini App on a phone-sized headless Chromium, with a few
hundred signatures from fictional signers so the progress bar shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from tests.browser.chromium import chromium
from tests.browser.test_pages_in_chromium import _wait_for
from tests.conftest import NOW, REAL_CASES, make_settings, open_harness
from tests.site_tools import serve_with_telegram_stub, sign_init_data

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _small(path: Path) -> None:
    """A palette PNG: a screenshot of text needs few colours, and the README stays light."""
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp), cases_dir=REAL_CASES, public_url="https://cases.example.org")
        harness = await open_harness(settings)
        case = harness.app.catalog.get("khamroev")
        assert case is not None
        for signer in range(1, 348):
            await harness.app.dp["petitions"].sign(case, 10_000 + signer, locale="ru")
        server = await serve_with_telegram_stub(harness)
        base = str(server.make_url("")).rstrip("/")
        init_data = sign_init_data(harness.app.bot.token, auth_date=NOW - dt.timedelta(minutes=1))

        def shoot() -> None:
            DOCS.mkdir(exist_ok=True)
            with chromium() as browser:
                browser.get(f"{base}/c/khamroev?lang=en")
                browser.save_screenshot(str(DOCS / "case-page.png"))
                browser.get(f"{base}/app/khamroev?lang=en#tgWebAppData={quote(init_data, safe='')}")
                _wait_for(browser, "#signing-as", "Dilnoza")
                browser.save_screenshot(str(DOCS / "mini-app.png"))

        await asyncio.to_thread(shoot)
        await server.close()
        await harness.app.close()
    for name in ("case-page.png", "mini-app.png"):
        _small(DOCS / name)
        print(f"{DOCS / name}: {(DOCS / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    asyncio.run(main())
