"""Browser-test helpers shared by the e2e files: screenshots on demand and the fit check."""
import os
from pathlib import Path


def shoot(page, name: str, env: str) -> None:
    """A full-page screenshot as <folder>/<name>.png when the environment variable `env`
    names a folder (e.g. QUEUE_SCREENSHOTS=/tmp/shots); nothing otherwise."""
    folder = os.environ.get(env)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def no_sideways_scroll(page) -> None:
    """The page is no wider than its viewport (nothing to scroll sideways)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
