"""`python -m analysis explore DIR [--port 8765] [--host 127.0.0.1]`: serve a build's explorer.html and
its JSON API from explorer.sqlite.

    /                     the page (explorer.html)
    /api/search?q=&limit=&offset=&regex=1&by=&f_<field>=&f_theme=
                          {"total", "articles", "by_group", "by_field", "hits": [{doc_id, para_no, pre,
                          match, post, title, date, place}], ...}
    /api/cell?theme=&group=&by=&offset=&limit=      a heatmap cell's paragraphs
    /api/article?doc=                               one article
    /api/heat?by=&f_<field>=                         a heatmap's cells under filters
    /<file>               other files of DIR (figures, report): only regular files inside DIR, with a
                          known suffix; nothing outside DIR, no hidden files, not the index itself

A build small enough to embed its paragraphs has no explorer.sqlite: the server writes one from the
page's payload into a temporary folder. Bound to 127.0.0.1 unless --host is given.
"""
from __future__ import annotations

import argparse
import json
import mimetypes
import signal
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from .page import INDEX, PAGE, payload_from_page
from .search import Explorer, QueryError

SERVED = {".html", ".htm", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".css", ".csv", ".json", ".md", ".txt", ".pdf"}
MAX_LIMIT = 100_000


def open_explorer(folder: Path | str) -> tuple[Explorer, tempfile.TemporaryDirectory | None]:
    """The Explorer of a build folder: its explorer.sqlite, else one written from its explorer.html."""
    folder = Path(folder)
    index = folder / INDEX
    if index.exists():
        return Explorer(index), None
    page = folder / PAGE
    if not page.exists():
        raise FileNotFoundError(f"{folder}: no {PAGE} (run the build, or analysis.explorer.write_explorer)")
    from .index import write_index

    payload = payload_from_page(page)
    if payload.get("body") is None:
        raise FileNotFoundError(f"{folder}: {PAGE} holds the heatmap only and {INDEX} is missing")
    tmp = tempfile.TemporaryDirectory(prefix="explorer-", ignore_cleanup_errors=True)  # (Windows: a file still open)
    write_index(payload, Path(tmp.name) / INDEX)
    return Explorer(Path(tmp.name) / INDEX), tmp


def _int(params, name, default, low=0, high=MAX_LIMIT):
    try:
        value = int(params.get(name, [default])[0])
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
    return max(low, min(high, value))


def _filters(params) -> dict:
    return {k[2:]: v[0] for k, v in params.items() if k.startswith("f_") and v and v[0]}


class Handler(BaseHTTPRequestHandler):
    server_version = "analysis-explore"
    explorer: Explorer
    root: Path

    def log_message(self, fmt, *args):  # quiet: one line per error only
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value):
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        raw, _, query = self.path.split("#")[0].partition("?")
        path = unquote(raw)
        if path.startswith("/api/"):
            return self._api(path[5:], parse_qs(query, keep_blank_values=False))
        return self._file(path)

    def _api(self, name: str, params: dict):
        ex = self.explorer
        one = lambda k, default="": params.get(k, [default])[0]  # noqa: E731
        try:
            if name == "search":
                out = ex.search(one("q"), regex=one("regex") in ("1", "true", "yes"), limit=_int(params, "limit", 100),
                                offset=_int(params, "offset", 0, high=10**9), by=one("by") or None,
                                filters=_filters(params))
            elif name == "cell":
                out = ex.cell(one("theme"), one("group"), by=one("by") or None, filters=_filters(params),
                              offset=_int(params, "offset", 0, high=10**9), limit=_int(params, "limit", 500))
            elif name == "article":
                out = ex.article(one("doc"))
            elif name == "heat":
                out = ex.heat(one("by") or next(iter(ex.fields), ""), filters=_filters(params))
            elif name == "head":
                out = ex.head
            else:
                return self._json(HTTPStatus.NOT_FOUND, {"error": f"no API {name!r}"})
        except QueryError as exc:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        except Exception as exc:  # a bug: said in the answer and on the server's console, the server goes on
            sys.stderr.write(f"explore: {name}: {exc!r}\n")
            return self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"{type(exc).__name__}: {exc}"})
        return self._json(HTTPStatus.OK, out)

    def _file(self, path: str):
        if path in ("", "/"):
            path = "/" + PAGE
        target = self.resolve(path)
        if target is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("image/svg+xml", "application/json"):
            ctype += "; charset=utf-8"
        self._send(HTTPStatus.OK, target.read_bytes(), ctype)

    def resolve(self, path: str) -> Path | None:
        """The file of DIR a URL path names, or None: no "..", no hidden parts, no link out of DIR,
        a served suffix only."""
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        if not parts or any(p in (".", "..") or p.startswith(".") or "\x00" in p for p in parts):
            return None
        root = self.root
        target = root.joinpath(*parts)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not real.is_file() or not real.is_relative_to(root) or real.suffix.lower() not in SERVED:
            return None
        return real


class ExplorerServer(ThreadingHTTPServer):
    """The explorer's HTTP server; server_close also removes the index it wrote into a temporary folder for a page
    without one (left to the garbage collector, it stayed in the temporary directory for good wherever the process
    ended without running finalizers: `explore` stopped with kill, a forked process)."""

    daemon_threads = True
    explorer_tmp: tempfile.TemporaryDirectory | None = None

    def server_close(self):
        try:
            super().server_close()
        finally:
            if self.explorer_tmp is not None:
                self.explorer_tmp.cleanup()
                self.explorer_tmp = None


def make_server(folder: Path | str, host: str = "127.0.0.1", port: int = 8765,
                explorer: Explorer | None = None) -> ExplorerServer:
    """An HTTP server for a build folder (not started: call serve_forever, shutdown, server_close); `explorer`:
    the folder's Explorer where the caller has it (write_explorer's keep=), else it is opened here."""
    root = Path(folder).resolve()
    explorer, tmp = (explorer, None) if explorer is not None else open_explorer(root)
    handler = type("ExplorerHandler", (Handler,), {"explorer": explorer, "root": root})
    try:
        server = ExplorerServer((host, port), handler)
    except BaseException:  # (the port is taken): the index written for it is not wanted
        if tmp is not None:
            tmp.cleanup()
        raise
    server.explorer_tmp = tmp
    return server


def serve_in_thread(folder: Path | str, host: str = "127.0.0.1", port: int = 0, explorer: Explorer | None = None):
    """(server, base URL): a running server on a free port (for tests and notebooks); stop it with
    server.shutdown(); server.server_close(). `explorer`: as make_server's."""
    server = make_server(folder, host, port, explorer)
    threading.Thread(target=server.serve_forever, name="explorer-server", daemon=True).start()
    h, p = server.server_address[:2]
    return server, f"http://{h}:{p}/"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m analysis explore DIR [--port 8765] [--host 127.0.0.1]."""
    parser = argparse.ArgumentParser(prog="python -m analysis explore", description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="a build folder holding explorer.html (e.g. reports/ or build/NAME/)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.dir, args.host, args.port)
    except (FileNotFoundError, OSError) as exc:
        print(f"explore: {exc}", file=sys.stderr)
        return 1
    host, port = server.server_address[:2]
    # `kill` stops it as Ctrl-C does (server_close runs); the caller's handler comes back after. (Not from a thread,
    # nor over a handler set in C, which getsignal gives as None and could not be put back.)
    previous = signal.getsignal(signal.SIGTERM) if threading.current_thread() is threading.main_thread() else None
    restore = previous is not None
    try:
        if restore:
            signal.signal(signal.SIGTERM, _interrupt)
        print(f"Serving {Path(args.dir).resolve()} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        try:
            server.server_close()
        finally:
            if restore:
                signal.signal(signal.SIGTERM, previous)
    return 0
