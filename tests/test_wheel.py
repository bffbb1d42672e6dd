"""The package as a wheel, installed outside the repository: every subpackage and the default lexicon files are
in it, and it loads, splits, codes and plots real articles there as it does here. And a project's own copy of a
lexicon file overrides the packaged default.

The fresh venv sees the project's dependencies through a .pth line naming this interpreter's site-packages.
Python adds such a line to sys.path without processing the .pth files in that folder, so the editable install
of the checkout (a .pth file there) is not visible: the test checks that `analysis` cannot be imported before
the wheel is installed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT_ROOT, RAW_DIR
from pandas.testing import assert_frame_equal

from analysis import code_paragraphs, load_corpus, paragraphs

LEXICON_FILES = ["amount_terms.csv", "chrome.csv", "corrections.csv", "gazetteer_corrections.csv", "glossary.csv",
                 "page_chrome.csv", "place_rules.csv", "stopwords.txt", "stopwords_genre.txt", "themes.toml",
                 "user_dict.txt"]
SUBPACKAGES = ["clean", "cluster", "corpus", "plots", "segment", "terms", "themes"]

# Run in the fresh venv, from a folder outside the repository.
SCRIPT = """
import importlib.util, json, sys
import matplotlib
matplotlib.use("Agg")
import analysis
from analysis import (code_paragraphs, load_corpus, paragraph_counts, paragraphs, save_figure, theme_counts,
                      theme_labels, tokenize, use_house_style)
from analysis.paths import PACKAGE_LEXICON_DIR, PROJECT_ROOT
from analysis.plots import plot_theme_heatmap

corpus = load_corpus(sys.argv[1], progress=False)
coded = code_paragraphs(paragraphs(corpus))
coded.to_pickle(sys.argv[2])
use_house_style()
fig = plot_theme_heatmap(theme_counts(coded), theme_labels(), n=paragraph_counts(coded)).figure
png, svg = save_figure(fig, "themes_by_article", figures_dir=sys.argv[3], show=False)
print(json.dumps({
    "module": analysis.__file__, "lexicon": str(PACKAGE_LEXICON_DIR), "project": str(PROJECT_ROOT),
    "editable_finder": any("editable" in name for name in sys.modules),
    "articles": len(corpus), "paragraphs": len(coded), "png": str(png), "svg": str(svg),
    "tokens": tokenize("全员核酸检测和双报到"),
}))
"""


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args[:3]}…\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from a copy of the checkout's pyproject.toml, README and analysis/ (the build leaves
    its build/ and egg-info folders there, not in the repository)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", src)
    shutil.copy(PROJECT_ROOT / "README.md", src)
    shutil.copytree(PROJECT_ROOT / "analysis", src / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", str(out), str(src)])
    (path,) = out.glob("analysis-*.whl")
    return path


def test_the_wheel_holds_every_subpackage_and_the_default_lexicon(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in SUBPACKAGES:
        assert f"analysis/{package}/__init__.py" in names, package
    for name in LEXICON_FILES:
        assert f"analysis/resources/lexicon/{name}" in names, name
    assert not any(name.startswith(("tests/", "data/", "notebooks/")) for name in names)


def test_the_wheel_installed_outside_the_repository_loads_codes_and_plots_real_articles(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = tmp_path / "work"  # the researcher's folder: no pyproject.toml, no data/
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ANALYSIS_LEXICON_DIR")}
    env["ANALYSIS_CACHE_DIR"] = str(tmp_path / "cache")
    probe = "import importlib.util; print(importlib.util.find_spec('analysis') is None)"
    assert _run([str(python), "-c", probe], cwd=work, env=env).stdout.strip() == "True"  # the checkout is not seen
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)])

    articles = work / "articles"
    articles.mkdir()
    for path in sorted(RAW_DIR.glob("*.txt")):
        shutil.copy(path, articles)
    (work / "run.py").write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    result = _run([str(python), "run.py", str(articles), str(work / "coded.pkl"), str(work / "figures")],
                  cwd=work, env=env, timeout=600)
    got = json.loads(result.stdout.strip().splitlines()[-1])

    assert Path(got["module"]).is_relative_to(site) and Path(got["lexicon"]).is_relative_to(site)
    assert not got["editable_finder"]
    assert Path(got["project"]) == work  # data/, figures/ and .cache/ of the working folder, not site-packages
    assert got["articles"] == 5 and got["paragraphs"] == 81  # the five seed articles, 81 paragraphs
    assert got["tokens"] == ["全员核酸检测", "双报到"]  # whole, as the packaged user_dict.txt keeps them
    coded = pd.read_pickle(work / "coded.pkl")
    row = coded[coded["text"].str.contains("石景山区政协委员向武汉方面捐款")]
    assert len(row) == 1 and bool(row["donation"].iloc[0])  # a donation, read by hand
    here = code_paragraphs(paragraphs(load_corpus(articles, cache=False, progress=False)))
    assert_frame_equal(coded, here)  # the installed package codes exactly as the checkout does
    from PIL import Image

    with Image.open(got["png"]) as image:
        assert image.width > 800 and image.height > 400
    assert Path(got["svg"]).read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_projects_own_lexicon_file_overrides_the_packaged_default(tmp_path):
    """$ANALYSIS_LEXICON_DIR (or the project's data/lexicon/) holding stopwords.txt: that list is used, the
    other files stay the package's defaults."""
    own = tmp_path / "lexicon"
    own.mkdir()
    (own / "stopwords.txt").write_text("# a project's own stopwords\n政协委员\n积极\n", encoding="utf-8")
    code = ("import json; from analysis import load_stopwords, tokenize; from analysis import lexicon; "
            "print(json.dumps([sorted(load_stopwords()), str(lexicon.STOPWORDS), str(lexicon.CHROME_FILE), "
            "tokenize('政协委员积极建言献策', drop_genre=False)]))")
    env = {**os.environ, "ANALYSIS_LEXICON_DIR": str(own), "PYTHONPATH": str(PROJECT_ROOT)}
    words, stopwords, chrome, tokens = json.loads(_run([sys.executable, "-c", code], env=env).stdout)
    assert words == ["政协委员", "积极"]
    assert stopwords == str(own / "stopwords.txt")
    assert chrome == str(PROJECT_ROOT / "analysis" / "resources" / "lexicon" / "chrome.csv")
    assert tokens == ["建言献策"]  # (the default stopwords would keep 政协委员)
