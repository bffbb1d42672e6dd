"""Blind coding sheets: a sample of paragraphs for people to code by the definitions alone, and the
coded sheet read back as labels (analysis.validation compares them with the codebook)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import GUIDANCE_KEYS, _codebook
from .themes import theme_ids

ID_COLUMNS = ["doc_id", "para_no"]
CONTEXT_COLUMNS = ["title", "previous", "text"]
NOTE_COLUMN = "note"
INSTRUCTIONS = (
    "Read each paragraph (with its article's title and the paragraph before it for context) and put 1 in the "
    "column of every theme whose definition the paragraph is about, 0 or nothing otherwise; a paragraph may "
    "carry several themes or none. Use only the definitions below (and, where the codebook gives them, its notes on "
    "when to use a theme and when not). Write a reason for hard cases in `note`. "
    "Do not change doc_id or para_no."
)


def _bullets(sentences) -> str:
    """Notes as one "- " line each: a tuple of sentences, one sentence, or nothing (None, NaN)."""
    if isinstance(sentences, str):
        sentences = [sentences]
    elif not isinstance(sentences, (list, tuple)):
        sentences = ()
    return "\n".join(f"- {x}" for x in sentences)


def _has_openpyxl() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def _groups(coded: pd.DataFrame, by: str, corpus: pd.DataFrame | None) -> pd.Series:
    """The value of `by` for each paragraph: a paragraph column, or an article column of `corpus` ("year" too)."""
    if by in coded.columns:
        return coded[by]
    if corpus is None:
        raise KeyError(f"stratify_by={by!r} is not a paragraph column; pass corpus= to use an article column")
    info = corpus.set_index("doc_id")
    if by == "year" and "year" not in info.columns:
        values = info["date"].dt.year
    elif by in info.columns:
        values = info[by]
    else:
        raise KeyError(f"stratify_by={by!r} is neither a paragraph column nor a corpus column")
    return coded["doc_id"].map(values)


def _sample(flags: np.ndarray, n: int, groups: pd.Series | None, rng: np.random.Generator) -> np.ndarray:
    """Row positions: first up to ceil(n / (2 * themes)) paragraphs coded with each theme, rarest theme
    first (counting those already drawn), then a random fill (spread evenly over `groups` if given)."""
    total, n_themes = flags.shape
    quota = math.ceil(n / (2 * max(n_themes, 1)))
    chosen: list[int] = []
    taken = np.zeros(total, dtype=bool)
    for j in np.argsort(flags.sum(axis=0), kind="stable"):
        need = min(quota - int(flags[taken, j].sum()), n - len(chosen))
        pool = np.flatnonzero(flags[:, j] & ~taken)
        if need > 0 and len(pool):
            pick = rng.choice(pool, size=min(need, len(pool)), replace=False)
            chosen.extend(pick.tolist())
            taken[pick] = True
    rest = np.flatnonzero(~taken)
    left = n - len(chosen)
    if left > 0 and groups is None:
        chosen.extend(rng.choice(rest, size=min(left, len(rest)), replace=False).tolist())
    elif left > 0:  # round robin over the groups, each in random order
        keys = groups.to_numpy()[rest]
        queues = [list(rng.permutation(rest[keys == g])) for g in pd.unique(keys)]
        while left > 0 and any(queues):
            for q in queues:
                if q and left > 0:
                    chosen.append(int(q.pop()))
                    left -= 1
    return rng.permutation(np.array(chosen, dtype=np.int64))  # the order reveals nothing


def coding_sheet(coded: pd.DataFrame, n: int = 100, *, stratify_by: str | None = None,
                 corpus: pd.DataFrame | None = None, seed: int = 0, path: str | Path = "coding_sheet.csv",
                 codebook=None) -> pd.DataFrame:
    """Write a blind coding sheet of `n` paragraphs and return it.

    Each row: doc_id, para_no, title (the article's, from `corpus` or a `title` column of `coded`),
    previous (the paragraph before it in its article), text, one empty column per theme id, and `note`.
    The sheet carries no machine codes. The sample is stratified so that rare themes get positives: up to
    ceil(n / (2 x themes)) paragraphs the codebook gives each theme (rarest first), then paragraphs drawn
    at random (evenly over the groups of `stratify_by`, a paragraph or corpus column, when given), in
    random order. So theme shares on a sheet are not corpus shares; kappa, precision and recall on it
    describe the codebook where it matters, on the rare themes too.

    Files: `path` as CSV (UTF-8 with BOM, so spreadsheet programs show the Chinese) with the definitions
    (and the codebook's `when_to_use` / `when_not_to_use` notes, where it has them) in `<stem>_definitions.csv`
    beside it, and `<stem>.xlsx` (sheets "paragraphs" and "definitions") when openpyxl is installed.
    The written paths are in the returned frame's `attrs["files"]`.
    """
    cb = _codebook(codebook)
    ids = theme_ids(coded, cb) or list(cb["id"])
    table = coded.sort_values(ID_COLUMNS, kind="stable")
    previous = table.groupby("doc_id", sort=False)["text"].shift(1)
    usable = table["text"].fillna("").str.strip().ne("")
    table, previous = table[usable], previous[usable].fillna("")
    flags = table[ids].to_numpy(dtype=bool) if set(ids) <= set(table.columns) else np.zeros((len(table), 0), bool)
    groups = _groups(table, stratify_by, corpus) if stratify_by else None
    rows = _sample(flags, min(n, len(table)), groups, np.random.default_rng(seed))
    if corpus is not None and "title" in corpus.columns:
        titles = table["doc_id"].map(corpus.drop_duplicates("doc_id").set_index("doc_id")["title"])
    else:
        titles = table["title"] if "title" in table.columns else pd.Series("", index=table.index)
    sheet = pd.DataFrame({
        "doc_id": table["doc_id"].to_numpy()[rows], "para_no": table["para_no"].to_numpy()[rows],
        "title": titles.fillna("").to_numpy()[rows], "previous": previous.to_numpy()[rows],
        "text": table["text"].to_numpy()[rows],
    })
    for tid in cb["id"]:
        sheet[tid] = ""
    sheet[NOTE_COLUMN] = ""
    definitions = pd.DataFrame({"theme": ["(how to code)"] + list(cb["id"]), "zh": [""] + list(cb["zh"]),
                                "en": [""] + list(cb["en"]), "definition": [INSTRUCTIONS] + list(cb["definition"])})
    for key in GUIDANCE_KEYS:  # the codebook's notes for coders, one "- " line each (columns only when it has some)
        notes = [_bullets(x) for x in (cb[key] if key in cb.columns else [()] * len(cb))]
        if any(notes):
            definitions[key] = [""] + notes
    path = Path(path)
    base = path.with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    files = [base.with_suffix(".csv"), base.with_name(f"{base.name}_definitions.csv")]
    sheet.to_csv(files[0], index=False, encoding="utf-8-sig")
    definitions.to_csv(files[1], index=False, encoding="utf-8-sig")
    if _has_openpyxl():
        files.append(base.with_suffix(".xlsx"))
        with pd.ExcelWriter(files[-1], engine="openpyxl") as xl:
            sheet.to_excel(xl, sheet_name="paragraphs", index=False)
            definitions.to_excel(xl, sheet_name="definitions", index=False)
    sheet.attrs["files"] = [str(f) for f in files]
    return sheet


def _cell(value, where: str) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    text = str(value).strip()
    if text in ("", "0", "0.0"):
        return False
    if text in ("1", "1.0"):
        return True
    raise ValueError(f"{where}: cell {value!r} is not 0 or 1 (1 = the paragraph carries the theme, 0 or empty = not)")


def read_coding_sheet(path: str | Path, *, paras: pd.DataFrame | None = None, codebook=None) -> pd.DataFrame:
    """A coded sheet (CSV or XLSX, as coding_sheet wrote it) as labels: doc_id, para_no, themes (tuple of
    theme ids in codebook order, empty = no theme), note, the form codebook_agreement takes.

    Theme columns hold 1 (carries the theme) or 0 / nothing. Errors name the file, the row (as the
    spreadsheet numbers it, header = row 1) and the column: a column that is no theme of the codebook, a
    theme column missing, a cell that is not 0/1, a para_no that is not a whole number, a paragraph listed
    twice, and with `paras` (paragraphs or code_paragraphs output) a paragraph not in that corpus.
    """
    path = Path(path)
    cb = _codebook(codebook)
    ids = list(cb["id"])
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raw = pd.read_excel(path, sheet_name=0, dtype=object)
    else:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in ID_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: no column {missing[0]!r} (a coding sheet needs doc_id and para_no)")
    known = set(ID_COLUMNS + CONTEXT_COLUMNS + [NOTE_COLUMN])
    unknown = [c for c in raw.columns if c not in known and c not in ids]
    if unknown:
        raise ValueError(f"{path}: column {unknown[0]!r} is not a theme of the codebook (themes: {', '.join(ids)})")
    absent = [t for t in ids if t not in raw.columns]
    if absent:
        raise ValueError(f"{path}: no column for theme(s) {absent}; code every theme (0 or empty = not)")
    doc_ids, para_nos, themes = [], [], []
    for i, values in enumerate(raw.to_dict("records"), start=2):
        try:
            para_no = int(float(str(values["para_no"]).strip()))
            if para_no != float(str(values["para_no"]).strip()):
                raise ValueError
        except ValueError:
            raise ValueError(f"{path}, row {i}, column 'para_no': {values['para_no']!r} "
                             "is not a whole number") from None
        doc_ids.append(str(values["doc_id"]).strip())
        para_nos.append(para_no)
        themes.append(tuple(t for t in ids if _cell(values[t], f"{path}, row {i}, column {t!r}")))
    notes = raw[NOTE_COLUMN].fillna("").astype(str).tolist() if NOTE_COLUMN in raw.columns else [""] * len(raw)
    labels = pd.DataFrame({"doc_id": doc_ids, "para_no": para_nos, "themes": themes, "note": notes})
    dupes = labels.duplicated(ID_COLUMNS, keep="first")
    if dupes.any():
        i = int(np.flatnonzero(dupes)[0])
        raise ValueError(f"{path}, row {i + 2}: paragraph ({doc_ids[i]}, {para_nos[i]}) is listed twice")
    if paras is not None:
        have = set(zip(paras["doc_id"].astype(str), paras["para_no"].astype(int)))
        for i, key in enumerate(zip(doc_ids, para_nos)):
            if key not in have:
                raise ValueError(f"{path}, row {i + 2}: paragraph (doc_id={key[0]}, para_no={key[1]}) "
                                 "is not in the corpus")
    return labels
