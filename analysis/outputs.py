"""Where a study's outputs go, and the tables the notebooks share.

Output layout of a build (DIR = --out, the study's build/ folder, or the project for the seed study):
    DIR/figures/NN_name.png|svg   (seed: figures/)
    DIR/tables/NAME.csv + README.md  (seed: reports/tables/)  tables notebooks 01-04 compute, read by 05
    DIR/report.html, DIR/explorer.html, DIR/NN_name.html, DIR/executed/  (seed: reports/)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .paths import FIGURES_DIR, PROJECT_ROOT, TABLES_DIR

SEED_SOURCE = PROJECT_ROOT / "data" / "raw"
ENV_CORPUS = "ANALYSIS_CORPUS"
ENV_FIGURES = "ANALYSIS_FIGURES_DIR"
ENV_TABLES = "ANALYSIS_TABLES_DIR"


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


_current: dict = {"tables": None, "figures": None}  # set by `study.activate` (a notebook's study)


def figures_dir() -> Path:
    """Folder the notebooks save their figures to (and the report embeds them from)."""
    if _current["figures"] is not None:
        return Path(_current["figures"])
    env = os.environ.get(ENV_FIGURES)
    return Path(env) if env else FIGURES_DIR


def tables_dir() -> Path:
    """Folder the notebooks write their tables to (and 05 reads them from)."""
    if _current["tables"] is not None:
        return _current["tables"]
    env = os.environ.get(ENV_TABLES)
    return Path(env) if env else TABLES_DIR


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


def drop_table(name: str) -> None:
    """Remove tables/NAME.csv and its description: an analysis that is left out on this corpus must not leave an
    earlier build's table for the report to read."""
    folder = tables_dir()
    if not (folder / f"{name}.json").exists():
        return
    for path in (folder / f"{name}.csv", folder / f"{name}.json"):
        path.unlink(missing_ok=True)
    write_tables_readme(folder)


def has_table(name: str) -> bool:
    return (tables_dir() / f"{name}.csv").exists()


