"""The regions of articles without a province: inferred from the places they name
(`places.region_of_text_detail`), where the rows are cleaned (`_region_hints`) or afterwards
(`with_regions`), and cached per title and text in `cache_dir("regions")` under the place rules' version.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..memo import read_arrow, write_arrow
from ..parallel import map_chunks, workers_for
from ..paths import cache_dir
from .cache import places_version


def region_key(title: str, text: str) -> str:
    """What an inferred region is cached under: a digest of the article's title and text."""
    return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()[:20]


def _region_hints(rows: list[dict], known: frozenset = frozenset()) -> None:
    """The region of each fresh row without a province, inferred where the row was cleaned (on a
    worker, with the cleaning), as `_region` = (region_key, province, city, ambiguous). with_regions
    uses it for an article whose title and text are still those (metadata.csv did not change them),
    so it needs no second pass over the texts."""
    from ..places import region_of_text_detail

    for row in rows:
        if not row.get("province"):
            title, text = row.get("title") or "", row["text"]
            key = region_key(title, text)
            if key not in known:  # the region cache has the others
                row["_region"] = (key, *region_of_text_detail(text, title))


def _known_regions() -> frozenset:
    """The keys of the regions the region cache holds for the current place rules."""
    try:
        return frozenset(read_arrow(cache_dir("regions") / f"{places_version()}.arrow")["key"])
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return frozenset()


def with_regions(corpus: pd.DataFrame, cache: bool = True, hints: list | None = None,
                 trusted: bool = False) -> pd.DataFrame:
    """Fill province and city from the places an article names where no province is given
    (`places.region_of_text_detail`, as `infer_region`); `region_ambiguous` flags answers that
    rest only on names several places share (a bare 朝阳区). `hints`: one per row, the region a
    worker already inferred (`_region_hints`) or None; trusted: the rows still have the title and
    text the hints were inferred from (no metadata.csv changed them), so their keys are not recomputed."""
    out = corpus.copy()
    todo = out["province"].fillna("").eq("")
    out["region_inferred"] = todo
    out["region_ambiguous"] = False
    if not todo.any():
        return out
    rows = np.flatnonzero(todo.to_numpy())
    given = [hints[i] for i in rows] if hints is not None else [None] * len(rows)
    if trusted and all(isinstance(h, tuple) for h in given):  # every key is the worker's: no texts needed
        titles = texts = None
        keys = [h[0] for h in given]
    else:
        titles, texts = out["title"].iloc[rows].tolist(), out["text"].iloc[rows].tolist()
        keys = [h[0] if trusted and isinstance(h, tuple) else region_key(t, x)
                for h, t, x in zip(given, titles, texts)]
    path = cache_dir("regions") / f"{places_version()}.arrow"
    known = {}
    if cache and path.exists():
        try:
            table = read_arrow(path)
            known = dict(zip(table["key"], zip(table["province"], table["city"], table["ambiguous"])))
        except (OSError, ValueError):
            known = {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    new = bool(missing)  # the region cache gains these, from the hints or computed below
    for i in missing if hints is not None else ():
        if isinstance(given[i], tuple) and given[i][0] == keys[i]:
            known[keys[i]] = given[i][1:]
    missing = [i for i in missing if keys[i] not in known]
    if missing:
        if texts is None:
            titles, texts = out["title"].iloc[rows].tolist(), out["text"].iloc[rows].tolist()
        jobs = [(texts[i], titles[i]) for i in missing]
        size = max(200, -(-len(jobs) // 16))
        chunks = [jobs[k:k + size] for k in range(0, len(jobs), size)]
        found = [r for chunk in map_chunks(_regions, chunks, workers_for(len(jobs))) for r in chunk]
        known.update((keys[i], r) for i, r in zip(missing, found))
    if new and cache:
        _save_regions(known, path)
    regions = [known[k] for k in keys]
    out.loc[todo, "province"] = [p for p, _, _ in regions]
    out.loc[todo, "city"] = [c for _, c, _ in regions]
    out.loc[todo, "region_ambiguous"] = [bool(a) for _, _, a in regions]
    return out


def _save_regions(known: dict, path: Path) -> None:
    try:
        write_arrow(pd.DataFrame([(k, p, c, a) for k, (p, c, a) in known.items()],
                                   columns=["key", "province", "city", "ambiguous"]), path)
    except OSError:
        pass


def _regions(jobs: list) -> list[tuple[str, str, bool]]:
    from ..places import region_of_text_detail

    return [region_of_text_detail(text, title) for text, title in jobs]
