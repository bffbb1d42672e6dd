"""What a cached result depends on, read as it is now: the contents of data files and the package's own code.

- `file_digest(path)`: the SHA-1 of a file's bytes. It is recomputed whenever the file's size, modification
  time, inode or change time differ from the last reading, and also while the file was modified less than
  RACY_SECONDS before that reading: a second write within the same clock tick can leave size and times as
  they were (git's "racily clean" files), so a file that young has its bytes hashed again at every call.
- `files_digest(paths, *extra)`: one digest of several files (names and contents) and extra values.
- `code_digest(*modules)`: the digest of the source of modules of this package and of every module of the
  package they import, directly or not (found by reading their import statements), as this process imported
  it: the code of a stage is part of its cache key, so an edit of it misses the cache in the next process
  without anyone bumping a version number.
- `content_memo(default)`: a memo for a function of one file (path=None meaning a default path) that reads
  the file again after it changed; the replacement for functools.lru_cache keyed by the path.
- `Watch(*files)`: memos built from data files (the gazetteer from the place rules), emptied when a file changes.
"""
from __future__ import annotations

import ast
import hashlib
import os
import time
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path

RACY_SECONDS = 2.0
_PACKAGE = Path(__file__).resolve().parent
_known: dict[str, tuple[tuple, bool, str]] = {}  # path -> (stat signature, trusted, digest)
_MISSING = object()


_settled: dict[str, str] | None = None  # digests read inside `settled()`, by path


@contextmanager
def settled():
    """A stretch of work (one chunk of a load on a worker, a fraction of a second to a few seconds) that reads
    each file's digest once: inside it, file_digest answers a path it has answered from that answer, without
    the stat it otherwise makes at every call (four per article on the cleaning path). An edit during the
    stretch shows from the next one on, as an edit during a chunk did before."""
    global _settled
    outer = _settled
    if outer is None:
        _settled = {}
    try:
        yield
    finally:
        if outer is None:
            _settled = None


def file_digest(path) -> str:
    """SHA-1 (hex) of the file's bytes, "-" when there is no such file."""
    key = os.fspath(path)
    if _settled is not None:
        digest = _settled.get(key)
        if digest is None:
            digest = _settled[key] = _file_digest(key)
        return digest
    return _file_digest(key)


def _file_digest(key: str) -> str:
    try:
        st = os.stat(key)
    except OSError:
        _known.pop(key, None)
        return "-"
    signature = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    hit = _known.get(key)
    if hit is not None and hit[1] and hit[0] == signature:  # (a stat and a tuple compare: a few microseconds)
        return hit[2]
    read_at = time.time()
    try:
        with open(key, "rb") as fh:
            digest = hashlib.sha1(fh.read()).hexdigest()
    except OSError:
        return "-"
    _known[key] = (signature, read_at - st.st_mtime_ns / 1e9 >= RACY_SECONDS, digest)  # trusted while unchanged?
    return digest


def files_digest(paths, *extra) -> str:
    """One digest of the files' names and contents and of `extra` values (16 hex characters)."""
    h = hashlib.sha1()
    for path in paths:
        h.update(Path(path).name.encode())
        h.update(file_digest(path).encode())
    for value in extra:
        h.update(b"\0" + (value if isinstance(value, bytes) else str(value).encode()))
    return h.hexdigest()[:16]


def _module_file(name: str) -> Path | None:
    """The source file of analysis module `name` ("segment", "corpus.cache"), None if it is not one."""
    base = _PACKAGE.joinpath(*name.split(".")) if name else _PACKAGE
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    file = base.with_suffix(".py")
    return file if file.is_file() else None


@lru_cache(maxsize=None)
def _imports(file: Path, name: str) -> frozenset[str]:
    """The analysis modules `file` (module `name`) imports, as names relative to the package. `from . import x`
    counts as importing x (not the package's __init__, which Python runs first but which is no part of x).
    Parsed once per process (the closures of the stages share most modules), like code_files."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(file.read_bytes())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            elif node.module and (node.module == "analysis" or node.module.startswith("analysis.")):
                base = node.module.partition(".")[2]
            else:
                continue
            if base and node.module:  # `from . import x` imports x, not the package's __init__
                found.add(base)
            found.update(f"{base}.{alias.name}".strip(".") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.partition(".")[2] for a in node.names if a.name.startswith("analysis."))
    found.discard("")
    return frozenset(found)


@lru_cache(maxsize=None)
def code_files(*modules: str) -> tuple[Path, ...]:
    """The source files of `modules` (names relative to the package: "segment", "terms", "corpus.cache") and of
    every analysis module they import, directly or not (imports inside functions too), sorted. A subpackage
    brings in its __init__.py and whatever that imports; the Dask layer, which analysis.dispatch loads by
    name when a dask object arrives, is not among them. Worked out once per process, like the digests: the
    code a process runs is the code it imported."""
    return tuple(_closure(modules))


def _closure(modules: tuple[str, ...]) -> list[Path]:
    todo, seen = list(modules), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        file = _module_file(name)
        seen[name] = file
        if file is not None:
            todo += [m for m in _imports(file, name) if m not in seen]
    return sorted({f for f in seen.values() if f is not None})


# The package's source as this process imported it: the digests of every module file, read when the package
# is imported (a few milliseconds), so that an edit of a file later in the session (which changes nothing the
# process runs) does not change the digest of the code the process runs.
_SOURCE_DIGESTS = {p: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(_PACKAGE.rglob("*.py"))}


@lru_cache(maxsize=None)
def code_digest(*modules: str) -> str:
    """The digest of the code of `modules` and everything of the package they import (see code_files), as this
    process imported it; the next process, which runs edited code, gets the new digest."""
    h = hashlib.sha1()
    for file in code_files(*modules):
        h.update(str(file.relative_to(_PACKAGE)).encode())
        h.update((_SOURCE_DIGESTS.get(file) or file_digest(file)).encode())
    return h.hexdigest()[:16]


def content_memo(default, size: int = 8):
    """Memo for `func(path=None)`, a function of one file: the result is kept per path and content digest, so
    an edit of the file (in this process or another) is read at the next call, and a revert finds the old
    result again. `default()` names the file for path=None (called every time, so it may depend on the
    environment)."""
    def decorate(func):
        memo: dict[tuple[str, str], object] = {}

        @wraps(func)
        def wrapper(path=None):
            name = os.fspath(path if path else default())
            digest = file_digest(name)
            value = memo.get((name, digest), _MISSING)
            if value is not _MISSING:
                return value
            value = func(Path(name))
            if file_digest(name) == digest:  # not edited while it was read
                if len(memo) >= size:
                    memo.pop(next(iter(memo)))
                memo[(name, digest)] = value
            return value

        wrapper.cache_clear = memo.clear
        return wrapper

    return decorate


class Watch:
    """In-process memos (functools caches) built from some data files, emptied when one of the files changes.

    `check()` compares the files' content digests with those of the last check (a stat per file while they are
    unchanged) and, when one differs, calls `cache_clear` of every memo registered with `register`. The
    functions other modules call (find_places, gazetteer, extract_amounts...) call it first.

        PLACE_FILES = Watch(lambda: lexicon.RULES_FILE, lambda: lexicon.CORRECTIONS_FILE)
    """

    def __init__(self, *files):
        self.files = files  # callables giving the paths, read at each check (a path set in a running session)
        self.memos: list = []
        self.key: tuple | None = None

    def register(self, *memos) -> None:
        self.memos += memos

    def check(self) -> None:
        key = tuple(file_digest(f()) for f in self.files)
        if key != self.key:
            for memo in self.memos:
                memo.cache_clear()
            self.key = key
