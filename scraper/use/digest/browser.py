"""The digest page as a person sees it: headless Chromium (Debian's `chromium` package) renders a
page file at a given window size, to a PNG screenshot or to its DOM after layout.

`hfpapers-digest --format html --screenshot FILE.png` uses it (the README's screenshot is made so);
the tests use it to check the page at phone and desktop widths. Nothing is fetched: the page is a
local file with no external asset, and Chromium runs with its background networking off, in a
throw-away profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PHONE = (390, 844)  # an iPhone 12–15 viewport, CSS pixels
DESKTOP = (1280, 1600)
TIMEOUT = 120  # seconds; a first start on a loaded machine can take a while


class BrowserError(RuntimeError):
    """Chromium is missing, or did not render the page."""


def find_chromium() -> str | None:
    """The Chromium executable: $HFPAPERS_CHROMIUM, else the first of CANDIDATES on PATH."""
    chosen = os.environ.get("HFPAPERS_CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(page: Path, width: int, height: int, action: list[str]) -> str:
    chromium = find_chromium()
    if chromium is None:
        raise BrowserError("no Chromium found (Debian/Ubuntu: apt install chromium)")
    with tempfile.TemporaryDirectory(prefix="hfpapers-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",  # the screenshot shows the page, not a scroll bar
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            *action,
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            raise BrowserError(f"Chromium did not finish rendering {page} in {TIMEOUT} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BrowserError(f"Chromium failed on {page} (exit {done.returncode}): {last}")
    return done.stdout


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    """A PNG of the top `height` pixels of the page in a window `width` wide."""
    png = png.resolve()
    png.unlink(missing_ok=True)
    _run(page, width, height, [f"--screenshot={png}"])
    if not png.is_file() or png.stat().st_size == 0:
        raise BrowserError(f"Chromium wrote no screenshot of {page}")
    return png


def rendered_dom(page: Path, width: int, height: int) -> str:
    """The page's DOM after loading and layout (what its scripts, if any, left in it)."""
    return _run(page, width, height, ["--dump-dom"])
