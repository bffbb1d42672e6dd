"""The tokenizer: one jieba.Tokenizer (or rjieba.Jieba) with the project's user dictionary, `segment(text)`
(every token) and `tokenize(text)` (content tokens: no punctuation, whitespace, bare numbers, stopwords).
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress
from pathlib import Path

from ..freshness import code_digest, file_digest
from ..lexicon import USER_DICT, load_stopwords, read_user_dict, study_bytes

ENGINES = ("jieba", "rjieba")

# 战“疫”, 抗 “疫”, 冲锋“疫”线: the pun quotes one character; without them the word segments whole.
_QUOTED_YI = tuple(f"{a}疫{b}" for a, b in ["“”", "‘’", '""', "''", "「」", "『』"])
_HAS_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")
# "Bare numbers" in Chinese prose: digits or numeral characters, optionally 第 before and an
# approximation (余/多/近) or a measure word after: 3000, 一, 第一, 五十, 余万元, 3千万元, 107.39万元.
_NUMERAL = "0-9０-９零〇一二三四五六七八九十百千万亿两几数余多近超.．%％"
_UNITS = "元个名人次件条篇项家户只瓶箱份辆盒剂轮天位期批年月日时分号点"
_NUMBER_TOKEN = re.compile(f"^第?[{_NUMERAL}]+[{_UNITS}]*$")
_NUMERAL_CHARS = set("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万亿两几数")
# A measure word on its own is what jieba leaves of a number it cut off (31/名, 200/余人次, 24/小时,
# 2020/年): one measure character, optionally after 余/多 and before 次, or one of a few longer ones.
# (个人 "individual" is two measure characters and stays.)
_MEASURE_TOKEN = re.compile(f"^(?:[余多]?[{_UNITS}]次?|人次|小时|分钟|日电)$")


# ---------------------------------------------------------------- lexicon files


def lexicon_hash(user_dict: Path | str | None = None, engine: str = "jieba") -> str:
    """Hash of what decides segmentation: the user dictionary's content (and the active study's own words and
    stopwords with the default dictionary), the engine and its version, and the code of analysis.segment and
    what it imports (freshness.code_digest: an edit of the filtering needs no version bump)."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    h = hashlib.sha1(file_digest(Path(user_dict or USER_DICT)).encode())
    if user_dict is None or Path(user_dict).resolve() == USER_DICT.resolve():
        h.update(study_bytes())  # the active study's own words and stopwords
    h.update(f"|{engine}|{_engine_version(engine)}|{code_digest('segment')}".encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def _engine_version(engine: str) -> str:
    """The installed version of jieba or rjieba (their dictionaries decide segmentation too)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(engine)
    except PackageNotFoundError:  # pragma: no cover - both are dependencies
        return ""


# ---------------------------------------------------------------- the segmenters


@lru_cache(maxsize=4)
def _jieba(user_dict: str, key: str):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in _entries(user_dict):
        tk.add_word(word, freq, tag)
    return tk


def _entries(user_dict: str) -> list:
    """The words of `user_dict`, and the active study's own words when it is the default dictionary."""
    if Path(user_dict).resolve() == USER_DICT.resolve():
        return read_user_dict()
    return read_user_dict(user_dict)


@lru_cache(maxsize=4)
def _rjieba(user_dict: str, key: str):
    import rjieba

    tk = rjieba.Jieba()
    for word, freq, tag in _entries(user_dict):
        tk.add_word(word, freq, tag)
    return tk


def get_tokenizer(user_dict: Path | str | None = None, engine: str = "jieba"):
    """The project's tokenizer: a jieba.Tokenizer (or rjieba.Jieba) loaded with the user dictionary."""
    path = str(Path(user_dict or USER_DICT).resolve())
    key = lexicon_hash(path, engine)
    return (_jieba if engine == "jieba" else _rjieba)(path, key)


def _normalize(text: str) -> str:
    """Drop the quotes of the pun 战“疫” (and a space before them). str.replace, not a regex:
    on the corpus path a regex here costs a tenth of the whole time."""
    if "疫" in text:
        for quoted in _QUOTED_YI:
            if quoted in text:
                text = text.replace(" " + quoted, "疫").replace("\u3000" + quoted, "疫")
                text = text.replace(quoted, "疫")
    return text


def segment(text: str, *, user_dict: Path | str | None = None, engine: str = "rjieba") -> list[str]:
    """All tokens of `text` in order (punctuation and spaces included), jieba's precise mode + HMM.

    The only change to the text: the quotes of the pun 战“疫” are dropped, so it segments as 战疫.
    """
    text = _normalize(text)
    tk = get_tokenizer(user_dict, engine)
    return tk.lcut(text) if engine == "jieba" else tk.cut(text)


def is_content(token: str) -> bool:
    """True for a token with a Chinese character or Latin letter that is neither a number
    expression (3000, 第一, 余万元) nor a measure word left by one (名, 余人次, 小时)."""
    if not _HAS_WORD_CHAR.search(token):
        return False
    if _NUMBER_TOKEN.match(token) and any(c in _NUMERAL_CHARS for c in token):
        return False
    return not _MEASURE_TOKEN.match(token)


class _Keep(dict):
    """token -> keep it (is_content and not in `stop`); a token not seen before is classified when it is
    first looked up (__missing__), so the corpus path's hot loop is one dict lookup per token (map and
    itertools.compress, both running in C)."""

    __slots__ = ("stop",)

    def __init__(self, stop: frozenset[str]):
        super().__init__()
        self.stop = stop

    def __missing__(self, token: str) -> bool:
        keep = self[token] = is_content(token) and token not in self.stop
        return keep


_KEEP_MEMO: dict[frozenset, _Keep] = {}  # one per stopword set
_MEMO_LIMIT = 2_000_000  # distinct tokens remembered per stopword set


def _keep(stop: frozenset[str] = frozenset()) -> _Keep:
    memo = _KEEP_MEMO.get(stop)
    if memo is None:
        if len(_KEEP_MEMO) > 8:
            _KEEP_MEMO.clear()
        memo = _KEEP_MEMO[stop] = _Keep(stop)
    elif len(memo) > _MEMO_LIMIT:  # (checked per call: a chunk's new tokens may pass it for a while)
        memo.clear()
    return memo


def _filter(tokens: list[str], stop: frozenset[str] = frozenset()) -> list[str]:
    """The tokens that are content (is_content) and not in `stop`, in order."""
    return list(compress(tokens, map(_keep(stop).__getitem__, tokens)))


def _stopset(stopwords, drop_genre: bool) -> frozenset[str]:
    if stopwords is True:
        stop = load_stopwords()
    elif stopwords is False or stopwords is None:
        stop = frozenset()
    elif isinstance(stopwords, str):
        raise TypeError("stopwords must be True, False or a collection of words, not a str")
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
    engine: str = "rjieba",
) -> list[str]:
    """Content tokens of `text`: no punctuation, whitespace, bare numbers or stopwords.

    stopwords: True for data/lexicon/stopwords.txt, False for none, or your own collection.
    drop_genre: also drop the genre words of official prose (data/lexicon/stopwords_genre.txt);
        False keeps 工作, 积极, 开展 ... (to study the register itself).
    user_dict: a jieba user dictionary other than data/lexicon/user_dict.txt.
    engine: "jieba" (the reference) or "rjieba" (the fast Rust port with the same lexicon).
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    stop = _stopset(stopwords, drop_genre)
    return _filter(segment(text, user_dict=user_dict, engine=engine), stop)

