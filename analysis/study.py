"""The study corpus: which corpus the notebooks analyse, where their outputs go, and the choices
that depend on the corpus (which groups to compare, when to aggregate).

Every notebook starts with `corpus = study_corpus()`. With no argument it is the corpus the build
was asked for (`python -m analysis build --corpus SOURCE` sets ANALYSIS_CORPUS and the output
folders in the kernel's environment) or, outside a build, the seed articles in data/raw. A
JupyterLab user points the notebooks at their own articles by changing that one line to
`study_corpus("path/to/articles")`; outputs then go to build/<name>/ so the committed seed
figures are never overwritten.

Output layout of a build (DIR = --out, or the project for the seed corpus):
    DIR/figures/NN_name.png|svg   (seed: figures/)
    DIR/tables/NAME.csv + README.md  (seed: reports/tables/)  tables notebooks 02-04 compute, read by 05
    DIR/report.html, DIR/NN_name.html, DIR/executed/  (seed: reports/)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .lexicon import glossary  # noqa: F401 (re-exported)

from .paths import PROJECT_ROOT, TABLES_DIR  # noqa: F401
SEED_SOURCE = PROJECT_ROOT / "data" / "raw"
ENV_CORPUS = "ANALYSIS_CORPUS"
ENV_FIGURES = "ANALYSIS_FIGURES_DIR"
ENV_TABLES = "ANALYSIS_TABLES_DIR"

FEW = 12  # up to this many articles, figures show each article; beyond, they aggregate
TEXT_COLUMNS = ("province", "org", "source")  # article groupings a corpus may carry


# ---------------------------------------------------------------- which corpus, which outputs


def corpus_name(source) -> str:
    """A short folder name for a source: the file or folder name without suffixes."""
    if isinstance(source, (list, tuple)):
        source = source[0] if source else "corpus"
    name = Path(str(source)).name
    while Path(name).suffix and len(name.split(".")) > 1:
        name = Path(name).stem
    return name or "corpus"


def default_out(source) -> Path | None:
    """Where a build on `source` writes: None (the project's figures/ and reports/) for the seed
    corpus, else build/<name>/."""
    if source is None or Path(str(source)).resolve() == SEED_SOURCE.resolve():
        return None
    return PROJECT_ROOT / "build" / corpus_name(source)


def output_dirs(out: Path | str | None) -> dict[str, Path]:
    """figures, tables and reports folders of a build writing to `out` (None: the project's)."""
    if out is None:
        return {"figures": PROJECT_ROOT / "figures", "tables": TABLES_DIR, "reports": PROJECT_ROOT / "reports"}
    out = Path(out)
    return {"figures": out / "figures", "tables": out / "tables", "reports": out}


def _source_from_env():
    value = os.environ.get(ENV_CORPUS, "")
    if not value:
        return None
    parts = value.split(os.pathsep)
    return parts[0] if len(parts) == 1 else parts


_current: dict = {"tables": None}


def tables_dir() -> Path:
    """Folder the notebooks write their tables to (and 05 reads them from)."""
    if _current["tables"] is not None:
        return _current["tables"]
    env = os.environ.get(ENV_TABLES)
    return Path(env) if env else TABLES_DIR


def study_corpus(source=None, *, out: Path | str | None = None) -> pd.DataFrame:
    """The corpus the notebooks analyse, with `year` and `label` columns, outputs routed.

    source: anything `load_corpus` accepts; None = the build's corpus (ANALYSIS_CORPUS) or the
        seed articles. out: output folder; None = the build's, else the project's for the seed
        corpus and build/<name>/ for any other.
    """
    from . import plots
    from .corpus import load_corpus

    env_source = _source_from_env()
    if source is None:
        source = env_source
    if out is None and (os.environ.get(ENV_FIGURES) or os.environ.get(ENV_TABLES)) and source == env_source:
        _current["tables"] = Path(os.environ[ENV_TABLES]) if os.environ.get(ENV_TABLES) else None
        if os.environ.get(ENV_FIGURES):
            plots.FIGURES_DIR = Path(os.environ[ENV_FIGURES])
    elif out is not None or default_out(source) is not None:
        dirs = output_dirs(out if out is not None else default_out(source))
        plots.FIGURES_DIR, _current["tables"] = dirs["figures"], dirs["tables"]
    # errors="skip": a real corpus has empty or broken items; they are warned about and listed in the
    # cleaning audit (rule "skipped", notebook 01) instead of stopping the analysis of the rest
    corpus = load_corpus(source, errors="skip") if source is not None else load_corpus(errors="skip")
    return with_study_columns(corpus)


def with_study_columns(corpus: pd.DataFrame) -> pd.DataFrame:
    """Add `year` (from date) and `label` (short readable name) where the loader did not."""
    corpus = corpus.copy()
    for col in TEXT_COLUMNS + ("city",):
        if col not in corpus.columns:
            corpus[col] = ""
        corpus[col] = corpus[col].fillna("").astype(str)
    if "year" not in corpus.columns:
        corpus["year"] = corpus["date"].dt.year.astype("Int64")
    if "label" not in corpus.columns:
        stem = corpus["doc_id"].map(lambda d: d.split("_")[0] if "_" in d else d[:8])
        place = corpus["city"].where(corpus["city"] != "", corpus["province"])
        corpus["label"] = (stem + " " + place).str.strip()
    if corpus["label"].duplicated().any():
        corpus["label"] = corpus["label"] + " · " + corpus["doc_id"].str[-4:]
    return corpus


# ---------------------------------------------------------------- tables shared between notebooks


def save_table(df: pd.DataFrame, name: str, about: str, columns: dict[str, str] | None = None) -> Path:
    """Write `df` to tables/NAME.csv (UTF-8, no index) with its description, and refresh the
    folder's README.md (one section per table: what it is, one line per column)."""
    folder = tables_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    df.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    meta = {"about": about, "columns": {c: (columns or {}).get(c, "") for c in df.columns},
            "dtypes": {c: str(t) for c, t in df.dtypes.items()}}
    side = folder / f"{name}.json"
    tmp = side.with_name(f"{side.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, side)
    write_tables_readme(folder)
    return path


def write_tables_readme(folder: Path | str | None = None) -> Path:
    """tables/README.md from the description each table was saved with."""
    folder = Path(folder) if folder is not None else tables_dir()
    lines = ["# Tables the notebooks compute", "",
             "Written by notebooks 02-04 (`analysis.save_table`), read by the report (05). "
             "CSV, UTF-8, one row per line.", ""]
    for side in sorted(folder.glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        lines += [f"## {side.stem}.csv", "", meta["about"], ""]
        lines += [f"- `{c}`: {d}" if d else f"- `{c}`" for c, d in meta["columns"].items()]
        lines.append("")
    path = folder / "README.md"
    tmp = path.with_name(f"README.md.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_table(name: str) -> pd.DataFrame:
    """A table a notebook saved, with its text columns as str (empty, not NaN)."""
    folder = tables_dir()
    path = folder / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: run the notebook that writes table {name!r} first (make report)")
    meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    text = [c for c, t in meta["dtypes"].items() if t in ("object", "str", "string")]
    df = pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False, na_values={
        c: [""] for c in meta["dtypes"] if c not in text})
    return df


def has_table(name: str) -> bool:
    return (tables_dir() / f"{name}.csv").exists()


# ---------------------------------------------------------------- choices made from the data


def is_few(corpus: pd.DataFrame, few: int = FEW) -> bool:
    """Few enough articles to show each one in a figure."""
    return len(corpus) <= few


def present(corpus: pd.DataFrame, column: str) -> pd.Series:
    """Non-empty values of a column with their number of articles, most first (ties by value)."""
    if column not in corpus.columns:
        return pd.Series(dtype=int)
    values = corpus[column].dropna()
    values = values[values.astype(str).str.strip() != ""]
    counts = values.value_counts()
    return counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")


def top_groups(corpus: pd.DataFrame, column: str, n: int = 8, weight: str = "n_chars_clean") -> list:
    """The `n` values of `column` (as text) with the most text (sum of `weight`), most first; [] if
    the column is empty."""
    if column not in corpus.columns:
        return []
    part = corpus[corpus[column].notna() & (corpus[column].astype(str).str.strip() != "")]
    if part.empty:
        return []
    sizes = part.groupby(part[column].astype(str))[weight].sum()
    sizes = sizes.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return list(sizes.index[:n])


def group_column(corpus: pd.DataFrame, candidates=("province", "org", "source", "year"), max_groups: int = 40):
    """The first of `candidates` with at least two values (and at most `max_groups`), else None: the
    grouping figures use when there are too many articles to show each."""
    for col in candidates:
        k = len(present(corpus, col))
        if 2 <= k <= max_groups:
            return col
    return None


def periods(corpus: pd.DataFrame) -> str | None:
    """"year" when the corpus spans two years or more, "month" when it spans months of one year,
    else None (no period comparison)."""
    if corpus["date"].notna().sum() == 0:
        return None
    if corpus["year"].nunique(dropna=True) >= 2:
        return "year"
    if corpus["date"].dt.to_period("M").nunique() >= 2:
        return "month"
    return None


def with_group(df: pd.DataFrame, corpus: pd.DataFrame, column: str, keep: list | None = None,
               other: str = "other") -> pd.DataFrame:
    """`df` (rows with doc_id) with `column` from the corpus as text (month: YYYY-MM; year: "2021");
    values outside `keep` become `other`, empty ones are dropped."""
    if column == "month":
        values = corpus.set_index("doc_id")["date"].dt.strftime("%Y-%m")
    else:
        values = corpus.set_index("doc_id")[column].astype("string").fillna("").astype(str)
    out = df.drop(columns=[column], errors="ignore").assign(**{column: df["doc_id"].map(values)})
    out = out[out[column].notna() & (out[column].astype(str) != "")]
    if keep is not None:
        out[column] = out[column].where(out[column].isin(keep), other)
    return out


def confounds(corpus: pd.DataFrame, columns=("year", "province", "org", "source"), min_docs: int = 1) -> pd.DataFrame:
    """Groups that coincide: for each value of one column, whether all its articles share a single
    value of another column that itself varies in the corpus (a year that is only one province, an
    organisation that is only one outlet). One row per (column, value, other column)."""
    rows = []
    cols = [c for c in columns if len(present(corpus, c)) >= 2]
    for a in cols:
        for b in cols:
            if a == b:
                continue
            part = corpus[(corpus[a].astype(str) != "") & (corpus[b].astype(str) != "")
                          & corpus[a].notna() & corpus[b].notna()]
            for value, grp in part.groupby(a, sort=True):
                if len(grp) >= min_docs and grp[b].nunique() == 1:
                    other = grp[b].iloc[0]
                    rows.append({"column": a, "value": str(value), "articles": len(grp), "other_column": b,
                                 "only": str(other), "other_articles": int((part[b] == other).sum())})
    return pd.DataFrame(rows, columns=["column", "value", "articles", "other_column", "only", "other_articles"])
