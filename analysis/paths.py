"""Where things live: the project's folders, the package's own data files and the cache (one place for paths
and their overrides).

The project is the source checkout the package sits in (the folder with pyproject.toml beside analysis/);
where the package is installed elsewhere (a wheel in site-packages), it is the current working directory, so
data/, figures/ and .cache/ are the researcher's own folders, never site-packages.

The default word lists and rules ship inside the package (analysis/resources/lexicon/, read with
importlib.resources). A project's own copy of a file overrides the default: LEXICON_DIR/FILE, where
LEXICON_DIR is $ANALYSIS_LEXICON_DIR or else the project's data/lexicon/ (`lexicon_file`).
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

LEXICON_ENV = "ANALYSIS_LEXICON_DIR"


def _project_root() -> Path:
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


def _package_folder(*parts: str) -> Path:
    """A folder of data files inside the installed package. A wheel is unpacked when installed, so it is a
    real folder (importlib.resources gives it as a path)."""
    folder = files(__package__).joinpath(*parts)
    if not isinstance(folder, Path):  # pragma: no cover - a zipped install, which pip never makes
        raise RuntimeError(f"the package's data files are not in a folder ({folder!r}): install it unzipped")
    return folder


PROJECT_ROOT = _project_root()
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
METADATA_FILE = DATA_DIR / "metadata.csv"
PACKAGE_LEXICON_DIR = _package_folder("resources", "lexicon")  # the defaults
LEXICON_DIR = Path(os.environ.get(LEXICON_ENV) or DATA_DIR / "lexicon")  # a project's own copies, which win
SHARED_DIR = PROJECT_ROOT.parent / "shared"  # test corpora beside the project (never copied into it)
SHARED_CORPORA = SHARED_DIR / "corpora"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
FIGURES_DIR = PROJECT_ROOT / "figures"  # the seed build's figures (a build on another corpus writes under --out)
REPORTS_DIR = PROJECT_ROOT / "reports"
TABLES_DIR = REPORTS_DIR / "tables"
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"
SEED = 20200124  # one fixed seed for every random choice (NMF, the layouts of word clouds and networks)


def lexicon_file(name: str) -> Path:
    """The lexicon file `name` in force: the project's own copy (LEXICON_DIR/name) if there is one, else the
    package's default."""
    own = LEXICON_DIR / name
    return own if own.is_file() else PACKAGE_LEXICON_DIR / name


def cache_dir(kind: str = "") -> Path:
    """The cache folder (`$ANALYSIS_CACHE_DIR`, default .cache/ in the project), or its `kind` subfolder.

    Read at call time, so setting the variable in a running session takes effect at once.
    """
    root = Path(os.environ.get("ANALYSIS_CACHE_DIR") or PROJECT_ROOT / ".cache")
    return root / kind if kind else root
