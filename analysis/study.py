"""A study: one file, `study.toml`, holding what makes a researcher's study — title, question, codebook, extra
lexicon and stopwords, glossary, human labels, corpus sources, group fields and period. No code is edited.

    study = load_study("my_study/study.toml")   # first line of every notebook (no argument: the build's study)
    corpus = study.corpus()                     # the articles, outputs routed to the study's folders

`load_study` checks the file like the codebook (errors name the file, line and key; unknown keys are errors),
resolves its paths relative to the file, and activates it: the segmenter's user words and stopwords, the
codebook and the glossary then come from the study (through environment variables, so notebook kernels and
worker processes see the same study). `python -m analysis init DIR` writes a starter study; `build --study`
builds one. The seed study is data/study.toml; `build --corpus SOURCE` is the default study on SOURCE.
"""
from __future__ import annotations

import glob
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .choices import PERIODS, TEXT_COLUMNS
from .lexicon import CODEBOOK_FILE
from .outputs import (
    ENV_CORPUS,
    ENV_FIGURES,
    ENV_TABLES,
    PROJECT_ROOT,
    SEED_SOURCE,
    _current,
    corpus_name,
    default_out,
    output_dirs,
)

SEED_STUDY = PROJECT_ROOT / "data" / "study.toml"
ENV_STUDY = "ANALYSIS_STUDY"
# what a study changes below the study layer, read at call time by analysis.lexicon and analysis.codebook
ENV_CODEBOOK = "ANALYSIS_CODEBOOK"
ENV_USER_WORDS = "ANALYSIS_USER_WORDS"
ENV_STOPWORDS = "ANALYSIS_STOPWORDS"
ENV_GLOSSARY = "ANALYSIS_GLOSSARY"
STUDY_ENV = (ENV_STUDY, ENV_CODEBOOK, ENV_USER_WORDS, ENV_STOPWORDS, ENV_GLOSSARY)

TOP_KEYS = {"title": str, "question": str, "codebook": str, "lexicon": str, "stopwords": str, "glossary": str,
            "labels": str, "corpus": dict, "groups": dict}
CORPUS_KEYS = {"sources": (list, str), "columns": dict}
GROUP_KEYS = {"by": list, "period": str}
DEFAULT_TITLE = "What the articles say: themes, terms and places"
DEFAULT_QUESTION = "**What do these articles report, and how does it differ between groups and periods?**"


class StudyError(ValueError):
    """The study file is malformed; the message names the file, line and key."""


@dataclass(frozen=True)
class Study:
    """A study as `load_study` read it: every path absolute."""

    title: str
    question: str
    path: Path | None = None  # the study file (None: the default study without a file)
    sources: tuple = ()  # paths for load_corpus (empty: the seed articles)
    columns: dict | None = None
    codebook: Path | None = None  # None: the package's default codebook
    lexicon: Path | None = None
    stopwords: Path | None = None
    glossary: Path | None = None
    labels: Path | None = None
    group_by: tuple = ()  # empty: the data-driven choice
    period: str | None = None
    out: Path | None = None  # None: the project's figures/ and reports/ (the seed study)
    is_default: bool = False  # the project's own study (COVID-19 wording kept)
    extra: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else PROJECT_ROOT

    def environment(self) -> dict[str, str]:
        """The environment variables that make the layers below read this study's files."""
        env = {ENV_STUDY: str(self.path) if self.path else "",
               ENV_CODEBOOK: str(self.codebook) if self.codebook else "",
               ENV_USER_WORDS: str(self.lexicon) if self.lexicon else "",
               ENV_STOPWORDS: str(self.stopwords) if self.stopwords else "",
               ENV_GLOSSARY: str(self.glossary) if self.glossary else ""}
        return env

    def corpus(self, **kwargs) -> pd.DataFrame:
        """The study's articles with `year` and `label` columns (bad items skipped and audited)."""
        from .corpus import load_corpus

        use_files(self)
        # errors="skip": a real corpus has empty or broken items; they are warned about and listed in the
        # cleaning audit (rule "skipped", notebook 01) instead of stopping the analysis of the rest
        kwargs.setdefault("errors", "skip")
        if self.columns:
            kwargs.setdefault("columns", self.columns)
        source = list(self.sources) if len(self.sources) > 1 else (self.sources[0] if self.sources else None)
        corpus = load_corpus(source, **kwargs) if source is not None else load_corpus(**kwargs)
        return with_study_columns(corpus)


# ---------------------------------------------------------------- reading and checking the file


def _line(source: str, key: str, table: str | None = None) -> int:
    """1-based line of `key = ...` (at the top level, or in [table]); the table's header line, or 1."""
    lines = source.splitlines()
    start, in_table = 0, table is None
    for i, line in enumerate(lines):
        header = re.match(r"^\s*\[\s*([A-Za-z_]+)\s*\]", line)
        if header:
            if in_table and table is None:
                break
            in_table = header.group(1) == table
            if in_table:
                start = i + 1
            continue
        if in_table and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return i + 1
    return start or 1


def _check(data: dict, allowed: dict, path: Path, source: str, table: str | None = None) -> None:
    where = f"[{table}]" if table else "the top level"
    for key, value in data.items():
        line = _line(source, key, table)
        if key not in allowed:
            raise StudyError(f"{path}, line {line}: unknown key '{key}' in {where}; allowed: {', '.join(allowed)}")
        if not isinstance(value, allowed[key]):
            kinds = allowed[key] if isinstance(allowed[key], tuple) else (allowed[key],)
            want = " or ".join({"str": "a string", "list": "a list", "dict": "a table"}[k.__name__] for k in kinds)
            raise StudyError(f"{path}, line {line}: key '{key}' must be {want}")


def _file(value: str, key: str, folder: Path, path: Path, source: str) -> Path:
    target = (folder / value).resolve()
    if not target.exists():
        raise StudyError(f"{path}, line {_line(source, key)}: {key} file {value!r} not found ({target})")
    return target


def _sources(values, folder: Path, path: Path, source: str) -> tuple:
    values = [values] if isinstance(values, str) else values
    found = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise StudyError(f"{path}, line {_line(source, 'sources', 'corpus')}: sources must be paths or globs")
        pattern = str(folder / value)
        if glob.has_magic(value):
            hits = sorted(glob.glob(pattern, recursive=True))
            if not hits:
                raise StudyError(f"{path}, line {_line(source, 'sources', 'corpus')}: {value!r} matches no file")
            found += [str(Path(h).resolve()) for h in hits]
        elif Path(pattern).exists():
            found.append(str(Path(pattern).resolve()))
        else:
            raise StudyError(f"{path}, line {_line(source, 'sources', 'corpus')}: source {value!r} not found "
                             f"({Path(pattern).resolve()})")
    return tuple(found)


def read_study(path: str | Path) -> Study:
    """Read and check a study file (without activating it)."""
    path = Path(path).resolve()
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudyError(f"{path}: study file not found") from None
    except UnicodeDecodeError as exc:
        raise StudyError(f"{path}: not UTF-8 text ({exc})") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise StudyError(f"{path}: not valid TOML: {exc}") from None
    _check(data, TOP_KEYS, path, source)
    corpus, groups = data.get("corpus", {}), data.get("groups", {})
    _check(corpus, CORPUS_KEYS, path, source, "corpus")
    _check(groups, GROUP_KEYS, path, source, "groups")
    for key in ("title", "question"):
        if not str(data.get(key, "")).strip():
            raise StudyError(f"{path}, line {_line(source, key)}: '{key}' is required and must not be empty")
    folder = path.parent
    files = {key: _file(data[key], key, folder, path, source) if key in data else None
             for key in ("codebook", "lexicon", "stopwords", "glossary", "labels")}
    by = groups.get("by", [])
    if not all(isinstance(b, str) and b.strip() for b in by):
        raise StudyError(f"{path}, line {_line(source, 'by', 'groups')}: 'by' must list field names")
    period = groups.get("period")
    if period is not None and period not in PERIODS:
        raise StudyError(f"{path}, line {_line(source, 'period', 'groups')}: period must be one of "
                         f"{', '.join(PERIODS)}, not {period!r}")
    columns = corpus.get("columns")
    if columns is not None and not all(isinstance(v, str) for v in columns.values()):
        raise StudyError(f"{path}, line {_line(source, 'columns', 'corpus')}: columns maps field names to "
                         "column names (strings)")
    sources = _sources(corpus["sources"], folder, path, source) if "sources" in corpus else ()
    seed = path == SEED_STUDY.resolve()
    return Study(title=data["title"].strip(), question=data["question"].strip(), path=path, sources=sources,
                 columns=columns, group_by=tuple(by), period=period, is_default=seed,
                 out=None if seed else folder / "build", **files)


def default_study(source=None) -> Study:
    """The project's own study (data/study.toml; a plain one where the package is installed without it), on
    `source` instead of its own articles when given (`build --corpus SOURCE`)."""
    study = read_study(SEED_STUDY) if SEED_STUDY.exists() else Study(DEFAULT_TITLE, DEFAULT_QUESTION)
    if source is None:
        return study
    sources = tuple(str(Path(s).resolve()) for s in (source if isinstance(source, (list, tuple)) else [source]))
    out = None if len(sources) == 1 and Path(sources[0]) == SEED_SOURCE.resolve() else default_out(source)
    # the seed study's human labels are of the seed paragraphs: other articles need their own
    return replace(study, sources=sources, out=out, labels=None)


def load_study(path: str | Path | None = None, *, out: str | Path | None = None) -> Study:
    """Read, check and activate a study. No path: the build's study ($ANALYSIS_STUDY), or the build's corpus
    in the default study ($ANALYSIS_CORPUS), else the seed study. `out` overrides where outputs go."""
    env_out = None
    if path is None and os.environ.get(ENV_FIGURES):  # inside a build: the build says where outputs go
        env_out = Path(os.environ[ENV_FIGURES]).parent
    if path is not None:
        study = read_study(path)
    elif os.environ.get(ENV_STUDY):
        study = _with_env_corpus(read_study(os.environ[ENV_STUDY]))
    else:
        study = default_study(_source_from_env())
    if out is not None or env_out is not None:
        study = replace(study, out=Path(out) if out is not None else env_out)
    return activate(study)


def use_files(study: Study) -> Study:
    """Make the layers below read `study`'s own lexicon, stopwords, codebook and glossary (the environment)."""
    os.environ.update(study.environment())
    return study


def activate(study: Study) -> Study:
    """Make `study` the one the package reads: its files (environment) and its output folders."""
    use_files(study)
    if os.environ.get(ENV_FIGURES) and study.out is not None and \
            Path(os.environ[ENV_FIGURES]).parent == Path(study.out):
        dirs = {"figures": Path(os.environ[ENV_FIGURES]), "tables": Path(os.environ.get(ENV_TABLES, ""))}
    else:
        dirs = output_dirs(study.out)
    _current["figures"], _current["tables"] = dirs["figures"], dirs["tables"]
    return study


def _with_env_corpus(study: Study) -> Study:
    """The study on the build's corpus ($ANALYSIS_CORPUS) where the build gives one other than the file's: a
    `Study` such as default_study(source) keeps its file's title, question and codebook, not its articles. Human
    labels of the file's articles do not go with it."""
    source = _source_from_env()
    if source is None:
        return study
    sources = tuple(str(Path(s).resolve()) for s in (source if isinstance(source, list) else [source]))
    if sources == tuple(str(Path(s).resolve()) for s in study.sources):
        return study
    return replace(study, sources=sources, labels=None)


def _source_from_env():
    value = os.environ.get(ENV_CORPUS, "")
    if not value:
        return None
    parts = value.split(os.pathsep)
    return parts[0] if len(parts) == 1 else parts


def study_corpus(source=None, *, out: Path | str | None = None) -> pd.DataFrame:
    """The corpus of the build's study, or the default study on `source` (kept for notebooks written before
    study files: `load_study().corpus()` is the same)."""
    if source is None:
        return load_study(out=out).corpus()
    return activate(replace(default_study(source), out=Path(out) if out else default_out(source))).corpus()


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


__all__ = ["Study", "StudyError", "load_study", "read_study", "default_study", "activate", "use_files", "study_corpus",
           "with_study_columns", "corpus_name", "CODEBOOK_FILE"]
