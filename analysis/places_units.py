"""Places below article level: the place mentions of every paragraph, and the units of an article each
about one place (the article, a section under a place heading, a clause of a paragraph that runs
through places), for comparing places inside articles and the amounts they give."""
from __future__ import annotations

import re

import pandas as pd

from .dispatch import call, is_dask
from .places import MENTION_COLUMNS, MUNICIPALITIES, _region_place, find_places, infer_region, place_records

UNIT_COLUMNS = [
    "doc_id", "para_no", "unit_no", "section", "text", "place", "level", "province", "city",
    "county", "code", "basis",
]


# ---------------------------------------------------------------- place mentions per paragraph


def place_mentions(paras: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Place mentions of every paragraph (doc_id, para_no, section + the find_places columns),
    names shared by several places resolved by the article's province (朝阳区 in a Beijing
    article is Beijing's). Articles without a province get one from infer_region."""
    if is_dask(paras) or is_dask(corpus):
        return call("place_mentions", paras, corpus)
    regions = infer_region(corpus).set_index("doc_id")
    records = []
    for row in paras.itertuples(index=False):
        province = regions.at[row.doc_id, "province"]
        records += [{"doc_id": row.doc_id, "para_no": row.para_no, "section": row.section, **r}
                    for r in place_records(row.text, province)]
    return pd.DataFrame(records, columns=["doc_id", "para_no", "section"] + MENTION_COLUMNS)


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
        lead = [r for r in place_records(clause, province, region.get("city", ""))
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
    if is_dask(corpus) or is_dask(paras):
        return call("place_units", corpus, paras)
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
