"""Word segmentation: one jieba tokenizer with the project lexicon, tokenize(), a fast cached corpus path.

- `tokenize(text)` is the reference: a `jieba.Tokenizer` loaded with data/lexicon/user_dict.txt,
  its output filtered to content tokens (no punctuation, whitespace, bare numbers, stopwords).
- `tokenize_corpus(texts)` gives the same tokens for many texts, fast: the Rust port of jieba
  (rjieba, loaded with the same lexicon through its add_word) and a token cache per text under
  .cache/tokens, keyed by the text's hash and the lexicon's hash, so a re-run does not re-segment.
  `benchmarks/bench_tokenize.py` measures its speed and its agreement with jieba.

Lexicon files (data/lexicon/, each documented in its header comment):
  user_dict.txt        domain terms jieba would split, in jieba's `word freq tag` format
  stopwords.txt        a general Chinese stopword list (Stopwords ISO "zh")
  stopwords_genre.txt  genre words of official prose (工作, 积极, 开展 ...): switch with drop_genre
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from tqdm.auto import tqdm

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LEXICON_DIR = PROJECT_ROOT / "data" / "lexicon"
USER_DICT = LEXICON_DIR / "user_dict.txt"
STOPWORDS = LEXICON_DIR / "stopwords.txt"
GENRE_STOPWORDS = LEXICON_DIR / "stopwords_genre.txt"
CACHE_DIR = PROJECT_ROOT / ".cache" / "tokens"

ENGINES = ("jieba", "rjieba")
# Bump when the filtering below changes: it is part of the cache key.
FILTER_VERSION = "2"

# 战“疫”, 抗 “疫”, 冲锋“疫”线: the pun quotes one character; without them the word segments whole.
_QUOTED_YI = re.compile(r"\s*[“”\"‘’'「」『』]\s*疫\s*[“”\"‘’'「」『』]")
_HAS_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")
# "Bare numbers" in Chinese prose: digits or numeral characters, optionally 第 before and an
# approximation (余/多/近) or a measure word after: 3000, 一, 第一, 五十, 余万元, 3千万元, 107.39万元.
_NUMERAL = "0-9０-９零〇一二三四五六七八九十百千万亿两几数余多近超.．%％"
_UNITS = "元个名人次件条篇项家户只瓶箱份辆盒剂轮天位期批年月日时分号点"
_NUMBER_TOKEN = re.compile(f"^第?[{_NUMERAL}]+[{_UNITS}]*$")
_NUMERAL_CHARS = set("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万亿两几数")


# ---------------------------------------------------------------- lexicon files


def _read_lines(path: Path) -> list[str]:
    """Non-empty lines of a lexicon file, comments (#) skipped."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def read_user_dict(path: Path | str | None = None) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user dictionary as (word, freq or None, tag or None); '#' lines skipped."""
    entries = []
    for line in _read_lines(Path(path) if path else USER_DICT):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


@lru_cache(maxsize=8)
def _word_set(path: str, mtime: float) -> frozenset[str]:
    return frozenset(_read_lines(Path(path)))


def load_stopwords(genre: bool = False, path: Path | str | None = None) -> frozenset[str]:
    """The general stopword list, or the genre list of official prose when `genre=True`."""
    path = Path(path) if path else (GENRE_STOPWORDS if genre else STOPWORDS)
    return _word_set(str(path), path.stat().st_mtime)


def lexicon_hash(user_dict: Path | str | None = None, engine: str = "jieba") -> str:
    """Hash of what decides segmentation: the user dictionary's bytes, the engine, the filter version."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    data = Path(user_dict or USER_DICT).read_bytes()
    h = hashlib.sha1(data)
    h.update(f"|{engine}|{FILTER_VERSION}".encode())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- the segmenters


@lru_cache(maxsize=4)
def _jieba(user_dict: str, key: str):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in read_user_dict(user_dict):
        tk.add_word(word, freq, tag)
    return tk


@lru_cache(maxsize=4)
def _rjieba(user_dict: str, key: str):
    import rjieba

    tk = rjieba.Jieba()
    for word, freq, tag in read_user_dict(user_dict):
        tk.add_word(word, freq, tag)
    return tk


def get_tokenizer(user_dict: Path | str | None = None, engine: str = "jieba"):
    """The project's tokenizer: a jieba.Tokenizer (or rjieba.Jieba) loaded with the user dictionary."""
    path = str(Path(user_dict or USER_DICT).resolve())
    key = lexicon_hash(path, engine)
    return (_jieba if engine == "jieba" else _rjieba)(path, key)


def segment(text: str, *, user_dict: Path | str | None = None, engine: str = "jieba") -> list[str]:
    """All tokens of `text` in order (punctuation and spaces included), jieba's precise mode + HMM.

    The only change to the text: the quotes of the pun 战“疫” are dropped, so it segments as 战疫.
    """
    text = _QUOTED_YI.sub("疫", text)
    tk = get_tokenizer(user_dict, engine)
    return tk.lcut(text) if engine == "jieba" else tk.cut(text)


# Token classes, memoised per distinct token: 0 drop, 1 keep, 2 number (drop; a unit after it goes
# too), 3 measure word (dropped right after a number: 31/名, 200/余人次, 24/小时; kept elsewhere).
_DROP, _KEEP, _NUMBER, _UNIT = 0, 1, 2, 3
_CLASS: dict[str, int] = {}
_UNIT_TOKEN = re.compile(f"^(?:[余多万千百亿]*[{_UNITS}]+次?|小时|分钟|日电)$")


def _classify(token: str) -> int:
    if not _HAS_WORD_CHAR.search(token):
        return _NUMBER if any(c in _NUMERAL_CHARS for c in token) else _DROP
    if _NUMBER_TOKEN.match(token) and any(c in _NUMERAL_CHARS for c in token):
        return _NUMBER
    if _UNIT_TOKEN.match(token):
        return _UNIT
    return _KEEP


def is_content(token: str) -> bool:
    """True for a token with a Chinese character or Latin letter that is not a number expression.

    A measure word (名, 篇, 余人次 ...) is content on its own; `tokenize` drops it right after a number.
    """
    return _classify(token) in (_KEEP, _UNIT)


def _content(tokens: Iterable[str]) -> list[str]:
    """Content tokens in order: drop punctuation, spaces, numbers and the measure word after a number."""
    out: list[str] = []
    append = out.append
    cls = _CLASS
    after_number = False
    for t in tokens:
        k = cls.get(t)
        if k is None:
            k = _classify(t)
            if len(cls) < 2_000_000:
                cls[t] = k
        if k == _KEEP or (k == _UNIT and not after_number):
            append(t)
        after_number = k == _NUMBER
    return out


def _stopset(stopwords, drop_genre: bool) -> frozenset[str]:
    if stopwords is True:
        stop = load_stopwords()
    elif stopwords is False or stopwords is None:
        stop = frozenset()
    else:
        stop = frozenset(stopwords)
    if drop_genre:
        stop = stop | load_stopwords(genre=True)
    return stop


def tokenize(
    text: str,
    *,
    stopwords: bool | Iterable[str] = True,
    drop_genre: bool = True,
    user_dict: Path | str | None = None,
    engine: str = "jieba",
) -> list[str]:
    """Content tokens of `text`: no punctuation, whitespace, bare numbers or stopwords.

    stopwords: True for data/lexicon/stopwords.txt, False for none, or your own collection.
    drop_genre: also drop the genre words of official prose (data/lexicon/stopwords_genre.txt).
    user_dict: a jieba user dictionary other than data/lexicon/user_dict.txt.
    engine: "jieba" (the reference) or "rjieba" (the fast Rust port with the same lexicon).
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    stop = _stopset(stopwords, drop_genre)
    return [t for t in _content(segment(text, user_dict=user_dict, engine=engine)) if t not in stop]


# ---------------------------------------------------------------- corpus path with cache


def _cache_path(cache_dir: Path, lex: str, text: str) -> Path:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return cache_dir / lex / digest[:2] / f"{digest}.txt"


def _read_cache(path: Path) -> list[str] | None:
    try:
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return data.split("\n") if data else []


def _write_cache(path: Path, tokens: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("\n".join(tokens), encoding="utf-8")
    os.replace(tmp, path)


def tokenize_corpus(
    texts: Iterable[str],
    *,
    stopwords: bool | Iterable[str] = True,
    drop_genre: bool = True,
    user_dict: Path | str | None = None,
    engine: str = "rjieba",
    cache: bool = True,
    cache_dir: Path | str | None = None,
    progress: bool = True,
) -> list[list[str]]:
    """tokenize() for many texts, fast: rjieba by default, and a token cache per text.

    The cache (default .cache/tokens) holds each text's content tokens before stopword removal,
    under the text's SHA-1 inside a folder named by lexicon_hash(): editing user_dict.txt or
    switching engine misses the cache, so stale tokens are never read. Stopwords are applied
    after the cache, so switching them costs nothing. `engine="jieba"` runs the reference.
    """
    texts = list(texts)
    stop = _stopset(stopwords, drop_genre)
    lex = lexicon_hash(user_dict, engine)
    root = Path(cache_dir) if cache_dir else CACHE_DIR
    tk = get_tokenizer(user_dict, engine)
    cut = tk.lcut if engine == "jieba" else tk.cut
    out = []
    for text in tqdm(texts, desc="tokenize", unit="text", disable=not progress or len(texts) < 2):
        if not isinstance(text, str):
            raise TypeError(f"tokenize_corpus() needs str texts, got {type(text).__name__}")
        tokens = None
        if cache:
            path = _cache_path(root, lex, text)
            tokens = _read_cache(path)
        if tokens is None:
            tokens = _content(cut(_QUOTED_YI.sub("疫", text)))
            if cache:
                _write_cache(path, tokens)
        out.append([t for t in tokens if t not in stop] if stop else list(tokens))
    return out
