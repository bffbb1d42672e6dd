"""`python -m analysis init DIR`: a starter study to edit — a commented study.toml, a copy of the default
codebook, empty lexicon and stopword files, and a folder for the articles."""
from __future__ import annotations

import shutil
from pathlib import Path

STUDY_TEMPLATE = '''# A study: everything that makes it, in one file (`python -m analysis build \
--study {folder}/study.toml`).
# Paths are relative to this file. Unknown keys are errors (a typo is not silently ignored).

# The report's title, and its section 1 (Markdown): the question the study asks of its articles.
title = "{title}"
question = """
**What do these articles report, and how does it differ between groups and periods?**

Say here what the articles are, who wrote them, and what the codebook's themes are meant to capture.
"""

# The theme codebook (see the README, "Editing the lexicon and the codebook"): start from the copy beside this file.
codebook = "themes.toml"

# Optional: extra words the segmenter must keep whole (one per line, jieba's `word [freq] [tag]` format),
# extra stopwords (one per line), a glossary (CSV: term,gloss) for the report, and human labels (a coding sheet
# written by `analysis.validation.coding_sheet` and filled in by a coder; notebook 03 measures agreement with it).
lexicon = "lexicon.txt"
stopwords = "stopwords.txt"
# glossary = "glossary.csv"
# labels = "coding_sheet.csv"

[corpus]
# Folders, files or globs of articles: .txt/.html files (any encoding) or tables (.csv, .jsonl, .parquet ...).
sources = ["articles"]
# For a table whose columns have other names: the project's field = the table's column.
# columns = {{ text = "body", title = "headline", date = "published" }}

[groups]
# Fields to compare by, in order of preference (default: the first of province, org, source, year with two
# values or more), and the period to compare over time (year, quarter or month; default: from the dates).
# by = ["province", "year"]
# period = "year"
'''

LEXICON_TEMPLATE = ("# Extra words for the segmenter, one per line (jieba format: word [freq] [tag]), e.g.\n"
                    "# 社情民意 10 n\n")
STOPWORDS_TEMPLATE = "# Extra stopwords, one per line; lines starting with # are comments.\n"


def init_study(folder: str | Path, title: str | None = None) -> Path:
    """Write a starter study into `folder` (created; existing files are never overwritten) and return the path
    of its study.toml."""
    from .lexicon import CODEBOOK_FILE

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles").mkdir(exist_ok=True)
    files = {"study.toml": STUDY_TEMPLATE.format(folder=folder, title=title or f"The {folder.resolve().name} study"),
             "lexicon.txt": LEXICON_TEMPLATE, "stopwords.txt": STOPWORDS_TEMPLATE}
    for name, text in files.items():
        if not (folder / name).exists():
            (folder / name).write_text(text, encoding="utf-8")
    if not (folder / "themes.toml").exists():
        shutil.copyfile(CODEBOOK_FILE, folder / "themes.toml")
    return folder / "study.toml"
