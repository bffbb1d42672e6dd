"""Headless Firefox driven over WebDriver BiDi, which Firefox speaks itself (`--remote-debugging-port`, Firefox
129 and later): no geckodriver, which Debian does not package. For tests/test_explorer_firefox.py.

PyPI has no established Python client for WebDriver BiDi without a driver binary (selenium's BiDi needs
geckodriver), so `Firefox` below is a small one: JSON commands over one websocket (the `websockets` package,
dev extra), in the order the spec gives them: session.new, session.subscribe, browsingContext.*, script.*,
input.performActions."""
import base64
import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from analysis.explorer.shots import _fontconfig

FIREFOX = next((p for p in map(shutil.which, ("firefox-esr", "firefox")) if p), None)
try:
    from websockets.sync.client import connect
except ImportError:
    connect = None


def why_no_firefox() -> str | None:
    """None when headless Firefox can be driven, else the reason (for pytest.skip)."""
    if FIREFOX is None:
        return "no Firefox found (Debian: apt-get install firefox-esr; make setup does it)"
    if connect is None:
        return "the websockets package is not installed (pip install -e '.[dev]')"
    return None


# A fresh profile that never reaches past this machine: no updates, telemetry, studies, remote settings,
# safe-browsing lists, captive-portal or connectivity checks; every service address points at a closed port
# on the loopback.
NOWHERE = "http://127.0.0.1:9/"
PREFS = {
    "app.normandy.enabled": False, "app.normandy.api_url": "", "app.shield.optoutstudies.enabled": False,
    "app.update.disabledForTesting": True, "app.update.auto": False, "app.update.checkInstallTime": False,
    "browser.aboutwelcome.enabled": False, "browser.discovery.enabled": False, "browser.ml.enable": False,
    "browser.newtabpage.enabled": False, "browser.ping-centre.telemetry": False, "browser.region.network.url": "",
    "browser.region.update.enabled": False, "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False, "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False, "browser.safebrowsing.passwords.enabled": False,
    "browser.search.update": False, "browser.sessionstore.resume_from_crash": False,
    "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore", "browser.startup.page": 0,
    "browser.topsites.contile.enabled": False, "browser.translations.enable": False, "browser.uitour.enabled": False,
    "captivedetect.canonicalURL": "", "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.dataSubmissionPolicyBypassNotification": True, "dom.push.connection.enabled": False,
    "extensions.blocklist.enabled": False, "extensions.getAddons.cache.enabled": False,
    "extensions.update.enabled": False, "extensions.systemAddon.update.enabled": False,
    "geo.provider.network.url": "", "identity.fxaccounts.enabled": False, "media.gmp-manager.updateEnabled": False,
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True, "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False, "network.proxy.type": 0, "network.trr.mode": 5, "security.OCSP.enabled": 0,
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False, "services.settings.server": NOWHERE,
    "toolkit.telemetry.enabled": False, "toolkit.telemetry.server": NOWHERE, "toolkit.telemetry.unified": False,
    "toolkit.startup.max_resumed_crashes": -1,
}


class Firefox:
    """Headless Firefox with a fresh profile, and one BiDi session on its one tab. `command` sends a command
    and returns its result; events that arrive meanwhile are kept in `events`."""

    def __init__(self, width: int = 1400, height: int = 1000, timeout: float = 60.0):
        self.profile = Path(tempfile.mkdtemp(prefix="explorer-firefox-"))
        (self.profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
                                                      for k, v in PREFS.items()), encoding="utf-8")
        # release builds heed services.settings.server only with MOZ_REMOTE_SETTINGS_DEVTOOLS set
        env = dict(os.environ, MOZ_CRASHREPORTER_DISABLE="1", MOZ_REMOTE_SETTINGS_DEVTOOLS="1",
                   **_fontconfig(self.profile))
        self.proc = subprocess.Popen([FIREFOX, "--headless", "--no-remote", "--remote-debugging-port=0",
                                      "--profile", str(self.profile), "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.log, lines = [], queue.Queue()
        self.drain = threading.Thread(target=self._drain, args=(lines,), daemon=True)
        self.drain.start()
        self.ids, self.events, self.ws, self.closing = itertools.count(1), [], None, contextlib.ExitStack()
        try:
            self.ws = self.closing.enter_context(
                connect(self._address(lines, timeout) + "/session", max_size=None, open_timeout=timeout))
            # a dialog the page opened (it should open none) is left open and reported, not accepted
            self.command("session.new", capabilities={"alwaysMatch": {
                "unhandledPromptBehavior": {"default": "ignore"}}})
            self.command("session.subscribe", events=["log.entryAdded", "browsingContext.userPromptOpened"])
            self.context = self.command("browsingContext.getTree")["contexts"][0]["context"]
            self.command("browsingContext.setViewport", context=self.context,
                         viewport={"width": width, "height": height})
        except BaseException:
            self.quit()
            raise

    def _drain(self, lines: queue.Queue) -> None:
        """Read Firefox's stderr to its end (a full pipe would stall it), keeping the lines in `log`."""
        for line in self.proc.stderr:
            self.log.append(line)
            lines.put(line)

    def _address(self, lines: queue.Queue, timeout: float) -> str:
        """The websocket address Firefox prints on stderr once its remote agent listens (port 0: any free port)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line.startswith("WebDriver BiDi listening on "):
                return line.split()[-1]
        raise RuntimeError(f"Firefox did not start its remote agent: {''.join(self.log)[-2000:]}")

    def command(self, method: str, **params):
        sent = next(self.ids)
        self.ws.send(json.dumps({"id": sent, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("type") == "event":
                self.events.append(message)
            elif message.get("id") == sent:
                if message["type"] == "error":
                    raise RuntimeError(f"{method}: {message['error']}: {message.get('message')}")
                return message["result"]

    def run(self, script: str, *elements):
        """The value of a function body (`return …`, awaited) run in the page; `arguments` there are `elements`
        (nodes as the page returned them), and a node comes back as its BiDi reference."""
        result = self.command("script.callFunction", functionDeclaration=f"async function () {{ {script} }}",
                              arguments=[{"sharedId": e["sharedId"]} for e in elements], awaitPromise=True,
                              target={"context": self.context}, resultOwnership="none")
        if result["type"] == "exception":
            raise RuntimeError(f"{script}: {result['exceptionDetails']['text']}")
        return value(result["result"])

    def find(self, selector: str) -> list:
        return self.run(f"return [...document.querySelectorAll({json.dumps(selector)})]")

    def open(self, url: str, timeout: float = 30.0) -> None:
        """Load `url` afresh (by way of about:blank, not a fragment change) and wait until the explorer has drawn."""
        for address in ("about:blank", url):
            self.command("browsingContext.navigate", context=self.context, url=address, wait="complete")
        self.wait("return document.body.dataset.ready === '1' && document.body.dataset.rendered === '1'", timeout)

    def wait(self, script: str, timeout: float = 20.0):
        end = time.monotonic() + timeout
        while not (answer := self.run(script)):
            if time.monotonic() > end:
                raise TimeoutError(f"waited {timeout:g} s for: {script}")
            time.sleep(0.05)
        return answer

    def click(self, element) -> None:
        """A mouse click in the middle of the element, scrolled into view first (as selenium's click does)."""
        self.run("arguments[0].scrollIntoView({block: 'center'});", element)
        self.command("input.performActions", context=self.context, actions=[{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": element}},
                        {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}])

    def type(self, element, text: str) -> None:
        """Click into the element and type `text` one key at a time (keydown, input, keyup per character)."""
        self.click(element)
        keys = [a for ch in text for a in ({"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch})]
        self.command("input.performActions", context=self.context,
                     actions=[{"type": "key", "id": "keyboard", "actions": keys}])

    def errors(self) -> list:
        """Console entries of level error (console.error, uncaught exceptions) so far."""
        self.run("return 0")  # takes in the events sent before now
        return [e["params"] for e in self.events if e["method"] == "log.entryAdded" and e["params"]["level"] == "error"]

    def prompts(self) -> list:
        return [e["params"] for e in self.events if e["method"] == "browsingContext.userPromptOpened"]

    def screenshot(self, path: Path) -> Path:
        data = self.command("browsingContext.captureScreenshot", context=self.context)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def quit(self) -> None:
        try:
            if self.ws is not None:
                self.command("browser.close")
        except Exception:  # the browser closes its end as it goes
            pass
        finally:
            if self.ws is not None:
                self.closing.close()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.drain.join(timeout=5)
            self.proc.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)


def value(remote: dict):
    """A BiDi RemoteValue as Python: primitives, arrays and objects unpacked, nodes kept as references."""
    kind = remote["type"]
    if kind in ("undefined", "null"):
        return None
    if kind in ("array", "set"):
        return [value(v) for v in remote["value"]]
    if kind == "object":
        return {k if isinstance(k, str) else value(k): value(v) for k, v in remote["value"]}
    if kind == "node":
        return {"sharedId": remote["sharedId"]}
    return remote.get("value")
