"""Take the README's dashboard screenshots in headless Chromium.

    python docs/make_screenshots.py RESULTS_ROOT

RESULTS_ROOT should hold one experiment (e.g. ``orgsim run scenarios/compare-policies.yaml
--years 10 --replications 10 --out RESULTS_ROOT/compare-policies``). The script serves the
dashboard, saves the overview and the business case, runs the default what-if (the
experiment's policies, up to four, x 10 replications of 1,000 people over 10 years, saved into
RESULTS_ROOT like any run) and saves its result. Needs Chromium, chromedriver and selenium
(``pip install -e '.[test]'``).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.wait import WebDriverWait
from werkzeug.serving import make_server

from dashboard import create_app, ids

DOCS = Path(__file__).parent
WIDTH = 1280


def browser() -> webdriver.Chrome:
    """Headless Chromium with a desktop-sized window."""
    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", f"--window-size={WIDTH},1000"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options)


def shoot(driver: webdriver.Chrome, path: Path, height: int | None = None) -> None:
    """Save the page (its full height unless ``height`` is given) as a PNG."""
    full = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(WIDTH, min(height or full, full) + 120)
    time.sleep(1.5)  # let plotly redraw at the new size
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, 1000)
    print(f"saved {path}")


def main(root: Path) -> None:
    """Serve the dashboard of ``root`` and take the screenshots."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, create_app(root).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = browser()
    wait = WebDriverWait(driver, 120)
    try:
        driver.get(f"http://127.0.0.1:{server.port}/")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".card")))
        shoot(driver, DOCS / "dashboard-overview.png", height=1300)
        driver.find_element(By.ID, ids.TAB_MONEY).click()
        drawn = (By.CSS_SELECTOR, f"#{ids.MONEY_WATERFALL} .waterfalllayer")
        wait.until(ec.presence_of_element_located(drawn))
        shoot(driver, DOCS / "dashboard-business-case.png", height=1400)
        driver.find_element(By.ID, ids.TAB_WHATIF).click()
        driver.find_element(By.ID, ids.WHATIF_RUN).click()
        done = (By.CSS_SELECTOR, f"#{ids.WHATIF_RESULT} .js-plotly-plot .main-svg")
        wait.until(ec.presence_of_element_located(done))
        print(driver.find_element(By.ID, ids.WHATIF_STATUS).text)
        shoot(driver, DOCS / "dashboard-whatif.png")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
