"""Headless Chromium for the explorer: the browser the tests drive, and screenshots of each view.

Uses the system's Chromium and its chromedriver (Debian: `apt-get install chromium chromium-driver`)
through selenium. The CJK font the figures use (mplfonts' Noto Sans CJK) is given to Chromium through a
fontconfig file, so screenshots show Chinese on machines without CJK system fonts.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ..parallel import proc_files

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DRIVERS = ("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1")
START_ATTEMPTS = 3


def find_chromium() -> tuple[str | None, str | None]:
    """(browser binary, chromedriver) found on this machine, each None when missing."""
    binary = next((p for p in (shutil.which(b) for b in BROWSERS) if p), None)
    driver = next((p for p in (shutil.which(d) or (d if os.path.isfile(d) and os.access(d, os.X_OK) else None)
                               for d in DRIVERS) if p), None)
    return binary, driver


def why_no_browser() -> str | None:
    """None when a headless browser can be driven, else the reason (for pytest.skip)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    binary, driver = find_chromium()
    if binary is None:
        return "no Chromium found (Debian: apt-get install chromium chromium-driver; make setup does it)"
    if driver is None:
        return "no chromedriver found (Debian: apt-get install chromium-driver)"
    return None


def _fontconfig(folder: Path) -> dict:
    """Environment that adds mplfonts' CJK fonts to fontconfig's (system) configuration."""
    try:
        import mplfonts

        fonts = Path(mplfonts.__file__).parent / "fonts"
    except ImportError:
        return {}
    system = next((p for p in ("/etc/fonts/fonts.conf",) if os.path.exists(p)), None)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    + (f"  <include ignore_missing=\"yes\">{system}</include>\n" if system else "")
                    + f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
                    encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


def _browsers_of(profile: Path) -> list[int]:
    """The processes (Linux /proc) of a Chromium that runs on `profile`: [] where there is no /proc."""
    flag = f"--user-data-dir={profile}".encode()
    return [pid for pid, cmdline in proc_files("cmdline") if flag in cmdline.split(b"\0")]


def remove_profile(profile: Path, timeout: float = 2.0) -> None:
    """Remove a browser's profile folder once no Chromium runs on it. A browser that is ending (killed with the
    build's stopped explorer process, not quit) still writes to its profile: removed at once, the folder came back
    with what it wrote and stayed in the temporary directory. Processes still on it after `timeout` seconds (a
    start that was interrupted leaves its browser running) are ended: the profile is this process's own, so they
    are its browser's."""
    import signal

    pids = _browsers_of(profile)
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM), None):  # each after a wait
        end = time.monotonic() + timeout
        while pids and time.monotonic() < end:
            time.sleep(0.05)
            pids = _browsers_of(profile)
        if not pids or sig is None:
            break
        for pid in pids:
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
    shutil.rmtree(profile, ignore_errors=True)


def start_browser(width: int = 1400, height: int = 1000):
    """A headless Chromium (selenium webdriver) with a fresh profile and the browser console logged;
    driver.quit() ends it and removes the profile. A start that fails ("chrome not reachable") is tried again,
    `START_ATTEMPTS` times in all, before its error is raised."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = find_chromium()
    profile = Path(tempfile.mkdtemp(prefix="explorer-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS + (f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    env = dict(os.environ, **_fontconfig(profile))
    try:
        for attempt in range(START_ATTEMPTS):  # on a loaded machine Chromium's start now and then times out
            try:
                driver = webdriver.Chrome(service=Service(executable_path=driver_path, env=env), options=options)
                break
            except WebDriverException:
                if attempt == START_ATTEMPTS - 1:
                    raise
                time.sleep(1.0)
    except BaseException:  # it never started (or the start was interrupted): no profile is left behind
        remove_profile(profile)
        raise
    quit_ = driver.quit

    def quit_and_clean():
        try:
            quit_()
        finally:
            remove_profile(profile)

    driver.quit = quit_and_clean
    return driver


def wait_for(driver, test, timeout: float = 20.0, step: float = 0.05):
    """Poll `test(driver)` until it returns something true (returned) or `timeout` seconds pass."""
    end = time.monotonic() + timeout
    while True:
        value = test(driver)
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"waited {timeout:g} s for {getattr(test, '__name__', 'a condition')}")
        time.sleep(step)


def rendered(driver) -> bool:
    return driver.execute_script("return document.body.dataset.ready === '1' && document.body.dataset.rendered === '1'")


def open_page(driver, url: str, timeout: float = 30.0) -> None:
    """Load `url` afresh (not a fragment change of the page on screen) and wait until the explorer has
    drawn its view."""
    driver.get("about:blank")
    driver.get(url)
    wait_for(driver, rendered, timeout)


def _common_trigger(payload: dict) -> str:
    """The trigger word marked most often (a search term that finds something), from the page's payload."""
    from collections import Counter

    counts = Counter()
    for text, spans in zip(payload["body"]["paras"]["t"], payload["body"]["paras"]["m"]):
        counts.update(text[s:e] for s, e, _ in spans)
    return counts.most_common(1)[0][0] if counts else "的"


def screenshot_explorer(html, out_dir, *, query: str | None = None, prefix: str = "explorer",
                        driver=None, explorer=None) -> list[Path]:
    """PNG screenshots of the explorer's three views: out_dir/<prefix>_heatmap.png (with a cell's
    paragraphs), _search.png (KWIC lines of `query`, default the commonest trigger word) and _article.png
    (the first hit's article with what cleaning removed). A page that holds the heatmap only is served
    (explore) for the screenshots. `driver`: a browser `start_browser` gave (the build starts it while the
    explorer is written); it is quit here either way. `explorer`: the served page's Explorer where the caller
    has it (write_explorer's keep=), else its server opens explorer.sqlite."""
    from urllib.parse import urlencode

    from .page import payload_from_page
    from .server import serve_in_thread

    html, out_dir = Path(html).resolve(), Path(out_dir)
    server, out = None, []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        payload = payload_from_page(html)
        server, url = (None, html.as_uri()) if payload.get("body") else serve_in_thread(html.parent, explorer=explorer)
        if server is not None:
            url += html.name
        if query is None:
            query = _common_trigger(payload) if payload.get("body") else "疫情"
        heat = payload["head"]["heat"]
        first = payload["head"]["fields"][0]
        best = max(heat[first["name"]], key=lambda c: (c[6] or 0) * (c[3] >= 5))
        theme, group = payload["head"]["themes"][best[0]]["id"], first["groups"][best[1]]
        if driver is None:
            driver = start_browser()
        views = (("heatmap", {"theme": theme, "group": group, "by": first["name"]}), ("search", {"q": query}))
        for name, fragment in views:
            open_page(driver, url + "#" + urlencode(fragment))
            out.append(_shot(driver, out_dir / f"{prefix}_{name}.png"))
        first_hit = driver.find_element("css selector", "li.kwic")
        doc, para = first_hit.get_attribute("data-doc-id"), first_hit.get_attribute("data-para-no")
        open_page(driver, url + "#" + urlencode({"doc": doc, "para": para, "cleaning": "1", "q": query}))
        out.append(_shot(driver, out_dir / f"{prefix}_article.png"))
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.shutdown()
            server.server_close()
    return out


def _shot(driver, path: Path, height: int = 1000) -> Path:
    size = driver.get_window_size()
    if (size.get("width"), size.get("height")) != (1400, height):  # (start_browser's size: no resize, no wait)
        driver.set_window_size(1400, height)
        time.sleep(0.2)  # the page laid out again
    path.write_bytes(driver.get_screenshot_as_png())
    return path
