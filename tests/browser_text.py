"""Reading text from a live page in one JavaScript call.

A plotly graph redraws its SVG when a callback lands; reading elements one by one through
Selenium can then hit one that was just replaced (a stale element reference). One script call
reads every match at the same instant.
"""

from __future__ import annotations

import time
from typing import Any

_TEXTS = "return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent);"


def texts(dash: Any, selector: str) -> list[str]:
    """The text of every element matching ``selector``, read atomically."""
    return dash.driver.execute_script(_TEXTS, selector)


def wait_for_text_among(dash: Any, selector: str, text: str, timeout: float = 10) -> list[str]:
    """Wait until some element matching ``selector`` contains ``text``; its texts, or fail."""
    end = time.monotonic() + timeout
    found = texts(dash, selector)
    while not any(text in t for t in found) and time.monotonic() < end:
        time.sleep(0.05)
        found = texts(dash, selector)
    assert any(text in t for t in found), f"{text!r} not in {selector}: {found}"
    return found
