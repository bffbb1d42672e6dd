"""The study file: checked like the codebook, its files reach the segmenter, stopwords, codebook and glossary,
and the choices made from the data come with their reasons."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis import choose, enough_columns, load_study, paragraphs, term_frequencies, tokenize
from analysis.choices import period_values
from analysis.paths import PROJECT_ROOT, RAW_DIR
from analysis.starter import init_study
from analysis.study import STUDY_ENV, StudyError, default_study, read_study
from analysis.themes import theme_ids

SEED_STUDY = PROJECT_ROOT / "data" / "study.toml"


@pytest.fixture(autouse=True)
def _clean_study_env(monkeypatch, tmp_path):
    """Each test starts with no study active and its own cache."""
    for key in STUDY_ENV + ("ANALYSIS_CORPUS", "ANALYSIS_FIGURES_DIR", "ANALYSIS_TABLES_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    yield
    for key in STUDY_ENV:
        os.environ.pop(key, None)


def _study(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles").mkdir(exist_ok=True)
    for p in sorted(RAW_DIR.glob("*.txt"))[:2]:
        shutil.copy(p, folder / "articles" / p.name)
    path = folder / "study.toml"
    path.write_text(body, encoding="utf-8")
    return path


MINIMAL = 'title = "Mine"\nquestion = "Why?"\n[corpus]\nsources = ["articles"]\n'


def test_seed_study_reads_title_sources_and_labels():
    study = read_study(SEED_STUDY)
    assert study.title.startswith("Reporting the united front's part in COVID-19 prevention")
    assert "What did these organisations say they did in COVID-19 prevention" in study.question
    assert study.sources == (str(RAW_DIR.resolve()),)
    assert study.labels == (PROJECT_ROOT / "tests" / "fixtures" / "theme_labels_seed.csv").resolve()
    assert study.is_default and study.out is None and study.codebook is None


def test_unknown_key_names_the_file_and_its_line(tmp_path):
    path = _study(tmp_path / "s", MINIMAL + "[groups]\nby = [\"province\"]\nperiods = \"year\"\n")
    with pytest.raises(StudyError, match=r"study.toml, line 7: unknown key 'periods' in \[groups\]"):
        read_study(path)


def test_missing_title_and_bad_period_and_missing_source_are_errors(tmp_path):
    with pytest.raises(StudyError, match=r"line 1: 'title' is required"):
        read_study(_study(tmp_path / "a", 'question = "q"\n'))
    with pytest.raises(StudyError, match=r"line 6: period must be one of year, quarter, month, not 'week'"):
        read_study(_study(tmp_path / "b", MINIMAL + '[groups]\nperiod = "week"\n'))
    with pytest.raises(StudyError, match=r"line 4: source 'nowhere' not found"):
        read_study(_study(tmp_path / "c", MINIMAL.replace('"articles"', '"nowhere"')))
    with pytest.raises(StudyError, match=r"line 3: codebook file 'themes.toml' not found"):
        read_study(_study(tmp_path / "d", 'title = "t"\nquestion = "q"\ncodebook = "themes.toml"\n'))


def test_paths_and_globs_are_relative_to_the_study_file(tmp_path):
    path = _study(tmp_path / "s", MINIMAL.replace('"articles"', '"articles/*.txt"'))
    study = read_study(path)
    assert [Path(s).name for s in study.sources] == [p.name for p in sorted(RAW_DIR.glob("*.txt"))[:2]]
    assert study.out == (tmp_path / "s" / "build").resolve() and not study.is_default


def test_init_writes_a_study_that_reads_and_loads(tmp_path):
    path = init_study(tmp_path / "mine", title="Party building in Hangzhou")
    assert sorted(p.name for p in path.parent.iterdir()) == ["articles", "lexicon.txt", "stopwords.txt", "study.toml",
                                                             "themes.toml"]
    for p in sorted(RAW_DIR.glob("*.txt"))[:3]:
        shutil.copy(p, path.parent / "articles" / p.name)
    study = load_study(path)
    assert study.title == "Party building in Hangzhou"
    assert study.codebook == (path.parent / "themes.toml").resolve()
    assert len(study.corpus()) == 3


def test_a_word_added_to_the_study_lexicon_changes_tokens_and_counts(tmp_path):
    """统战团体 is split by the default lexicon (统战 + 团体); the study's own lexicon keeps it whole, and
    removing it from the study brings the split back (no stale token cache)."""
    sentence = "民革四川省委、省光彩事业促进会等民主党派和统战团体先后发出倡议书"
    paras = paragraphs(analysis.load_corpus())
    before = term_frequencies(paras).set_index("term")["count"]
    assert "统战团体" not in tokenize(sentence)
    path = _study(tmp_path / "s", MINIMAL + "")
    (path.parent / "words.txt").write_text("统战团体\n", encoding="utf-8")
    path.write_text(MINIMAL.replace('[corpus]', 'lexicon = "words.txt"\n[corpus]'), encoding="utf-8")
    load_study(path)
    assert "统战团体" in tokenize(sentence)
    after = term_frequencies(paras).set_index("term")["count"]
    # 统战团体 stands 3 times in the Sichuan seed article (grep -o 统战团体 data/raw/*.txt); 团体 loses those 3
    assert after["统战团体"] == 3 and after.get("团体", 0) == before["团体"] - 3
    for key in STUDY_ENV:
        os.environ.pop(key)
    assert "统战团体" not in tokenize(sentence)
    assert term_frequencies(paras).set_index("term")["count"]["团体"] == before["团体"]


def test_a_new_process_reads_the_study_from_the_environment(tmp_path):
    path = _study(tmp_path / "s", MINIMAL)
    (path.parent / "words.txt").write_text("统战团体\n", encoding="utf-8")
    (path.parent / "stop.txt").write_text("倡议书\n", encoding="utf-8")
    path.write_text(MINIMAL.replace('[corpus]', 'lexicon = "words.txt"\nstopwords = "stop.txt"\n[corpus]'),
                    encoding="utf-8")
    env = {**os.environ, **read_study(path).environment()}
    code = "from analysis import tokenize; print(' '.join(tokenize('民主党派和统战团体发出倡议书')))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["民主党派", "统战团体", "发出"]


def test_the_study_codebook_codes_the_paragraphs(tmp_path):
    codebook = ('[[theme]]\nid = "appeal"\nzh = "倡议"\nen = "Appeals"\ndefinition = "Issuing an appeal."\n'
                'keywords = ["倡议书"]\n')
    path = _study(tmp_path / "s", MINIMAL)
    (path.parent / "themes.toml").write_text(codebook, encoding="utf-8")
    path.write_text(MINIMAL.replace('[corpus]', 'codebook = "themes.toml"\n[corpus]'), encoding="utf-8")
    load_study(path)
    coded = analysis.code_paragraphs(paragraphs(analysis.load_corpus()))
    assert theme_ids(coded) == ["appeal"]
    # 倡议书 stands on 8 lines of the seed articles, one paragraph each (grep -c 倡议书 data/raw/*.txt: 1 + 3 + 4)
    assert int(coded["appeal"].sum()) == 8


def test_default_study_on_a_source_keeps_the_question_and_routes_outputs():
    study = default_study(RAW_DIR)
    assert study.is_default and study.out is None
    other = default_study("/tmp/elsewhere/items.jsonl")
    assert other.title == study.title and other.out == PROJECT_ROOT / "build" / "items"


def test_choices_on_the_seeds_with_reasons():
    corpus = load_study(SEED_STUDY).corpus()
    c = choose(corpus)
    assert c.few and c.groups.value == "doc_id" and c.period.value == "year" and c.province.value == "province"
    assert c.reasons().splitlines()[0] == "- **groups**: 5 articles (at most 12): each article is shown on its own"
    many = choose(corpus, few=2, by=("org", "province"))
    # two orgs in the seeds: 政协 (4 articles) and 统战部 (1)
    assert many.groups.value == "org" and many.shown == ("政协", "统战部")
    assert choose(corpus, period="quarter").period.value == "quarter"


def test_period_values_quarter_and_month():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "date": pd.to_datetime(["2020-02-17", "2022-09-09"]),
                           "year": [2020, 2022]})
    assert list(period_values(corpus, "quarter")) == ["2020Q1", "2022Q3"]
    assert list(period_values(corpus, "month")) == ["2020-02", "2022-09"]


def test_enough_columns_leaves_out_thin_comparisons():
    assert enough_columns(pd.Series({"a": 5, "b": 9})).value == ["a", "b"]
    left_out = enough_columns(pd.Series({"a": 5, "b": 4}))
    assert left_out.value is None
    assert left_out.reason == "only 1 group with at least 5 paragraphs (need 2): left out"


def test_a_kernel_analyses_the_articles_of_the_study_the_build_was_given(tmp_path, monkeypatch):
    """build(corpus=default_study(source)): the kernels' environment names the seed study's file, whose own
    articles are the seeds; the kernel's study must be on `source` (its title and codebook kept, the seed
    labels dropped), and a study file's own articles stay as they are."""
    from analysis.kernels import _study_env

    source = tmp_path / "export.jsonl"
    source.write_text('{"title": "t", "text": "政协委员捐赠口罩。"}\n', encoding="utf-8")
    given = default_study(str(source))
    for key, value in _study_env(given, None, None).items():
        monkeypatch.setenv(key, value)
    seen = load_study()
    assert seen.sources == (str(source.resolve()),)
    assert seen.title == read_study(given.path).title and seen.labels is None
    seed = read_study(given.path)
    for key in STUDY_ENV + ("ANALYSIS_CORPUS",):
        monkeypatch.delenv(key, raising=False)
    for key, value in _study_env(seed, None, None).items():
        monkeypatch.setenv(key, value)
    assert load_study().sources == seed.sources and load_study().labels == seed.labels
