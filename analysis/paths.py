"""Where things live: the project's folders and the cache (one place for paths and their overrides)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
METADATA_FILE = DATA_DIR / "metadata.csv"
LEXICON_DIR = DATA_DIR / "lexicon"
SHARED_DIR = PROJECT_ROOT.parent / "shared"  # test corpora beside the project (never copied into it)
SHARED_CORPORA = SHARED_DIR / "corpora"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
FIGURES_DIR = PROJECT_ROOT / "figures"  # the seed build's figures (a build on another corpus writes under --out)
REPORTS_DIR = PROJECT_ROOT / "reports"
TABLES_DIR = REPORTS_DIR / "tables"
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"
SEED = 20200124  # one fixed seed for every random choice (NMF, the layouts of word clouds and networks)


def cache_dir(kind: str = "") -> Path:
    """The cache folder (`$ANALYSIS_CACHE_DIR`, default .cache/ in the project), or its `kind` subfolder.

    Read at call time, so setting the variable in a running session takes effect at once.
    """
    root = Path(os.environ.get("ANALYSIS_CACHE_DIR") or PROJECT_ROOT / ".cache")
    return root / kind if kind else root
