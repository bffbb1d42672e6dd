"""Every cache sees an edit of what its result depends on (issue 25): a rule file, the user dictionary, the
stopwords, the codebook, a study's own files, its input, the code of its stage. Each is edited in the same
process (the next call sees it) and before a new process starts (the new process, reading the cache the first
one wrote, sees it), and a revert brings the first result back.

The edits are made to a copy of this checkout (the package with its default lexicon files, and data/): the
defaults in analysis/resources/lexicon/ are edited in place, as the README tells a researcher to, and Python
runs on the copy in processes of its own with one cache folder per test.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import lexicon
from analysis.corpus.cache import rules_version
from analysis.freshness import code_files, file_digest

PROJECT = Path(__file__).resolve().parents[1]
LEXICON = Path("analysis/resources/lexicon")
STUDY_VARIABLES = ("ANALYSIS_CODEBOOK", "ANALYSIS_USER_WORDS", "ANALYSIS_STOPWORDS", "ANALYSIS_GLOSSARY",
                   "ANALYSIS_LEXICON_DIR", "ANALYSIS_STUDY", "PYTHONPATH")


@pytest.fixture
def checkout(tmp_path):
    """A copy of the checkout to edit: the package (with its default lexicon files) and data/ (the seeds)."""
    root = tmp_path / "checkout"
    shutil.copytree(PROJECT / "analysis", root / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT / "data", root / "data")
    shutil.copy(PROJECT / "pyproject.toml", root)
    return root


def run(root: Path, code: str, **env) -> object:
    """Run `code` in a new Python process on the checkout copy `root` (its cache: root/.cache, unless env names
    another); the last line it prints is JSON, returned."""
    environ = {k: v for k, v in os.environ.items() if k not in STUDY_VARIABLES}
    environ.update({"PYTHONPATH": str(root), "ANALYSIS_CACHE_DIR": str(root / ".cache"), **env})
    prelude = ("import json\nfrom pathlib import Path\nimport analysis\n"
               "assert Path(analysis.__file__).resolve().parents[1] == Path.cwd().resolve(), analysis.__file__\n")
    done = subprocess.run([sys.executable, "-c", prelude + code], cwd=root, env=environ, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def in_one_process(result: str, edit: str) -> str:
    """A script that prints [result, result after `edit`, result after the file is written back] (`edit`: a
    statement changing the file `path`, whose bytes are kept as `before`)."""
    return (f"def result():\n    return {result}\n"
            "first = result()\nbefore = path.read_bytes()\n"
            f"{edit}\n"
            "edited = result()\npath.write_bytes(before)\nreverted = result()\n"
            "print(json.dumps([first, edited, reverted], ensure_ascii=False))\n")


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


# ---------------------------------------------------------------- the load cache


SICHUAN_LAST = "我们的岗位职责是“为民服务”"  # 004's last paragraph begins so
CHROME_RULE = 'test_rule,"^我们的岗位职责是“为民服务”","issue 25: a rule added during a session"'


def test_load_cache_follows_an_edit_of_the_chrome_rules(checkout):
    """chrome.csv gains a rule that removes 004's last paragraph: the next load in the same process, and a new
    process reading the cache, clean it away; written back, the paragraph is there again."""
    text = "sorted(analysis.load_corpus(progress=False).set_index('doc_id')['text'].items())[4][1]"
    setup = f"path = Path({str(LEXICON / 'chrome.csv')!r})\n"
    edit = f"open(path, 'a', encoding='utf-8').write({CHROME_RULE!r} + '\\n')"
    first, edited, reverted = run(checkout, setup + in_one_process(text, edit))
    assert SICHUAN_LAST in first and SICHUAN_LAST not in edited and reverted == first
    assert edited == first[:first.index(SICHUAN_LAST)].rstrip("\n")
    rules = checkout / LEXICON / "chrome.csv"
    before = rules.read_bytes()
    append(rules, CHROME_RULE)
    assert run(checkout, f"print(json.dumps({text}, ensure_ascii=False))") == edited
    audit = run(checkout, "c = analysis.load_corpus(progress=False)\n"
                          "a = analysis.cleaning_audit(c)\nprint(json.dumps(sorted(set(a['rule']))))")
    assert "test_rule" in audit
    rules.write_bytes(before)
    assert run(checkout, f"print(json.dumps({text}, ensure_ascii=False))") == first


def test_load_cache_key_holds_the_contents_of_every_cleaning_rule_file(tmp_path, monkeypatch):
    """chrome.csv, corrections.csv and page_chrome.csv: an edit of any changes rules_version (the key of every
    cleaned file), a revert gives the first key back."""
    for name, attribute, line in [("chrome.csv", "CHROME_FILE", CHROME_RULE),
                                  ("corrections.csv", "CORRECTIONS_CSV", ',不存在的文字,另一段文字,"issue 25 test"'),
                                  ("page_chrome.csv", "PAGE_RULES_FILE", 'end,"^issue 25 测试$","issue 25 test"')]:
        copy = tmp_path / name
        shutil.copy(getattr(lexicon, attribute), copy)
        monkeypatch.setattr(lexicon, attribute, copy)
        first = rules_version()
        before = copy.read_bytes()
        append(copy, line)
        assert rules_version() != first, name
        copy.write_bytes(before)
        assert rules_version() == first, name


# ---------------------------------------------------------------- regions and the place memos


IGNORE_SIPING = "".join(f"{name},ignore,,,issue 25 test\n" for name in ("四平市", "四平", "铁东区", "铁东"))


def test_regions_and_place_memos_follow_an_edit_of_the_place_rules(checkout):
    """Seed 002 without metadata: its region is inferred (吉林省, 四平市). place_rules.csv then tells the gazetteer
    to ignore 四平市 and 铁东区 (and their short names 四平, 铁东): nothing below the province is named, the city
    is empty, and find_places no longer finds them; in the same process, in a new one, and back after the
    revert."""
    folder = checkout / "new"
    folder.mkdir()
    shutil.copy(next((checkout / "data" / "raw").glob("002_*.txt")), folder / "siping.txt")
    result = ("[list(analysis.load_corpus('new', progress=False).iloc[0][['province', 'city']]), "
              "list(analysis.find_places('吉林省四平市铁东区')['place'])]")
    edit = f"open(path, 'a', encoding='utf-8').write({IGNORE_SIPING!r})"
    setup = f"path = Path({str(LEXICON / 'place_rules.csv')!r})\n"
    first, edited, reverted = run(checkout, setup + in_one_process(result, edit))
    assert first == [["吉林省", "四平市"], ["吉林省", "四平市", "铁东区"]]
    assert edited == [["吉林省", ""], ["吉林省"]] and reverted == first
    rules = checkout / LEXICON / "place_rules.csv"
    before = rules.read_bytes()
    append(rules, IGNORE_SIPING.rstrip("\n"))
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == edited
    rules.write_bytes(before)
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == first


# ---------------------------------------------------------------- the token cache and the term tables


NEIJIANG = "充分发动“十户长”力量,引导“十户长”带头执行疫情防控工作要求"


def test_token_cache_follows_an_edit_of_the_user_dictionary(checkout):
    """user_dict.txt loses 十户长: jieba splits it, in the same process (tokenize and the cached tokenize_corpus),
    in a new process reading the token cache, and it is one word again after the revert."""
    result = f"[analysis.tokenize({NEIJIANG!r}), analysis.tokenize_corpus([{NEIJIANG!r}], progress=False)[0]]"
    setup = f"path = Path({str(LEXICON / 'user_dict.txt')!r})\n"
    edit = "path.write_text(path.read_text(encoding='utf-8').replace('十户长 30000 n\\n', ''), encoding='utf-8')"
    first, edited, reverted = run(checkout, setup + in_one_process(result, edit))
    assert first[0] == first[1] and first[0].count("十户长") == 2
    assert edited[0] == edited[1] and "十户长" not in edited[0] and reverted == first
    words = checkout / LEXICON / "user_dict.txt"
    before = words.read_bytes()
    words.write_bytes(before.replace("十户长 30000 n\n".encode(), b""))
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == edited
    words.write_bytes(before)
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == first


def test_term_table_cache_follows_an_edit_of_the_stopwords(checkout):
    """A table of 1,053 paragraphs (the seeds' 81, 13 times) is cached; stopwords.txt gains 社区: the next count,
    in this process and a new one, has no 社区; written back, 社区 is counted again."""
    result = ("dict(analysis.term_frequencies(pd.concat([analysis.paragraphs(analysis.load_corpus(progress=False))]"
              " * 13, ignore_index=True), top=3)[['term', 'count']].values.tolist())")
    setup = f"import pandas as pd\npath = Path({str(LEXICON / 'stopwords.txt')!r})\n"
    edit = "open(path, 'a', encoding='utf-8').write('社区\\n')"
    first, edited, reverted = run(checkout, setup + in_one_process(result, edit))
    assert "社区" in first and "社区" not in edited and reverted == first
    assert any((checkout / ".cache" / "term_frequencies").iterdir())
    stop = checkout / LEXICON / "stopwords.txt"
    before = stop.read_bytes()
    append(stop, "社区")
    assert run(checkout, setup + f"print(json.dumps({result}, ensure_ascii=False))") == edited
    stop.write_bytes(before)
    assert run(checkout, setup + f"print(json.dumps({result}, ensure_ascii=False))") == first


# ---------------------------------------------------------------- the theme matches


def test_theme_match_cache_follows_an_edit_of_the_codebook(checkout):
    """themes.toml's advice theme loses 金点子: 002's paragraph 2, whose one advice word it is (the CPPCC's "golden
    ideas" for the epidemic work that district cadres list), is no longer coded advice, in this process and in a new
    one reading the match cache; written back, it is again."""
    result = ("sorted((d[:3], int(n)) for d, n in analysis.code_paragraphs(analysis.paragraphs("
              "analysis.load_corpus(progress=False))).query('advice')[['doc_id', 'para_no']].values)")
    setup = f"path = Path({str(LEXICON / 'themes.toml')!r})\n"
    edit = ("path.write_text(path.read_text(encoding='utf-8').replace('\"金点子\", ', '', 1), encoding='utf-8')")
    first, edited, reverted = run(checkout, setup + in_one_process(result, edit))
    assert ["002", 2] in first and ["002", 2] not in edited and reverted == first
    assert len(edited) == len(first) - 1
    codebook = checkout / LEXICON / "themes.toml"
    before = codebook.read_bytes()
    codebook.write_bytes(before.replace('"金点子", '.encode(), b"", 1))
    assert run(checkout, f"print(json.dumps({result}))") == edited
    codebook.write_bytes(before)
    assert run(checkout, f"print(json.dumps({result}))") == first


# ---------------------------------------------------------------- a study's own files


def test_caches_follow_edits_of_a_studys_own_words_stopwords_and_codebook(checkout, tmp_path):
    """The files a study names ($ANALYSIS_USER_WORDS, $ANALYSIS_STOPWORDS, $ANALYSIS_CODEBOOK) are part of the keys:
    the study's words make 吉林省四平市铁东区 one token (token cache), its stopwords drop 政协 (term table of 1,000
    rows), its codebook stops coding 捐款 (theme matches); each edit is seen by the same process and a new one,
    and undone by a revert."""
    words, stop, codebook = tmp_path / "words.txt", tmp_path / "stop.txt", tmp_path / "themes.toml"
    theme = '[[theme]]\nid = "donation"\nzh = "捐款"\nen = "Donations"\ndefinition = "d"\nkeywords = ["{}"]\n'
    states = {"first": ("# study words\n", "# study stopwords\n", theme.format("捐款")),
              "edited": ("# study words\n吉林省四平市铁东区 1000 ns\n", "# study stopwords\n政协\n",
                         theme.format("没有的词"))}

    def write(state: str) -> str:
        """Write the three files as in `state` (here), or the statement that does it (in the script)."""
        for path, text in zip((words, stop, codebook), states[state]):
            path.write_text(text, encoding="utf-8")
        return "".join(f"Path({str(p)!r}).write_text({t!r}, encoding='utf-8')\n"
                       for p, t in zip((words, stop, codebook), states[state]))

    env = {"ANALYSIS_USER_WORDS": str(words), "ANALYSIS_STOPWORDS": str(stop), "ANALYSIS_CODEBOOK": str(codebook)}
    result = ("[analysis.tokenize_corpus(['吉林省四平市铁东区政协'], progress=False)[0], "
              "int(analysis.term_frequencies(pd.DataFrame({'text': ['四平市政协召开会议'] * 1000}))"
              ".set_index('term')['count'].get('政协', 0)), "
              "int(analysis.code_paragraphs(pd.DataFrame({'doc_id': ['a'], 'para_no': [1], "
              "'text': ['委员捐款捐物']}))['donation'].sum())]")
    edit, revert = write("edited"), write("first")
    script = ("import pandas as pd\n" f"def result():\n    return {result}\n"
              f"first = result()\n{edit}edited = result()\n{revert}reverted = result()\n"
              "print(json.dumps([first, edited, reverted], ensure_ascii=False))\n")
    first, edited, reverted = run(checkout, script, **env)
    assert first == [["吉林省", "四平市", "铁东区", "政协"], 1000, 1]
    assert edited == [["吉林省四平市铁东区"], 0, 0] and reverted == first  # 政协 is a stopword now
    once = f"import pandas as pd\nprint(json.dumps({result}, ensure_ascii=False))"
    write("edited")
    assert run(checkout, once, **env) == edited
    write("first")
    assert run(checkout, once, **env) == first


# ---------------------------------------------------------------- amounts (memos in the process only)


def test_amount_memos_follow_an_edit_of_the_amount_terms(checkout):
    """amount_terms.csv loses its 十户长 row (a role, not ten households): 十户 becomes an amount, in the same
    process and a new one; written back, it is not."""
    result = "analysis.extract_amounts('十户长带领30名志愿者')['span'].tolist()"
    setup = f"path = Path({str(LEXICON / 'amount_terms.csv')!r})\n"
    edit = ("path.write_text(''.join(line for line in path.read_text(encoding='utf-8').splitlines(True) "
            "if not line.startswith('十户长,ignore')), encoding='utf-8')")
    first, edited, reverted = run(checkout, setup + in_one_process(result, edit))
    assert first == ["30名"] and edited == ["十户", "30名"] and reverted == first
    terms = checkout / LEXICON / "amount_terms.csv"
    before = terms.read_text(encoding="utf-8")
    terms.write_text("".join(line for line in before.splitlines(True) if not line.startswith("十户长,ignore")),
                     encoding="utf-8")
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == edited


# ---------------------------------------------------------------- the paragraph table and the code of a stage


def test_paragraph_cache_follows_its_texts(corpus, monkeypatch, tmp_path):
    """paragraphs() keeps large tables (here from one article on) under a digest of the texts and its code: an
    edited text is split again, in this process and in a new one, and the first table comes back with the text."""
    import analysis.paragraph

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(analysis.paragraph, "PARALLEL_MIN_ITEMS", 1)
    small = corpus[["doc_id", "text"]].copy()
    first = analysis.paragraph.paragraphs(small)
    edited_corpus = small.assign(text=small["text"].str.replace("十户长", "十个户长", regex=False))
    edited = analysis.paragraph.paragraphs(edited_corpus)
    assert not first.equals(edited) and edited["text"].str.contains("十个户长").sum() == 1
    pd.testing.assert_frame_equal(analysis.paragraph.paragraphs(small), first)
    assert len(list((tmp_path / "cache" / "paragraphs").iterdir())) == 2
    small.to_parquet(tmp_path / "small.parquet")
    edited_corpus.to_parquet(tmp_path / "edited.parquet")
    script = ("import pandas as pd\nimport analysis.paragraph as p\np.PARALLEL_MIN_ITEMS = 1\n"
              "print(json.dumps([p.paragraphs(pd.read_parquet(f))['text'].tolist() for f in "
              f"({str(tmp_path / 'edited.parquet')!r}, {str(tmp_path / 'small.parquet')!r})], ensure_ascii=False))")
    new_edited, new_first = run(PROJECT, script, ANALYSIS_CACHE_DIR=str(tmp_path / "cache"))
    assert new_edited == edited["text"].tolist() and new_first == first["text"].tolist()


def test_the_code_of_a_stage_is_part_of_its_cache_key(checkout):
    """An edit of analysis/segment/tokenizer.py (here: 防控 is no longer content) reaches the tokens a new process
    gets although the token cache holds them; an edit of code the stage does not import (plots) keeps the key;
    the revert gives the first tokens back. No version number is bumped."""
    result = (f"[analysis.tokenize_corpus([{NEIJIANG!r}], progress=False)[0], "
              "__import__('importlib').import_module('analysis.segment').lexicon_hash(None, 'rjieba')]")
    first, key = run(checkout, f"print(json.dumps({result}, ensure_ascii=False))")
    assert "疫情防控" in first
    plots = checkout / "analysis" / "plots" / "__init__.py"
    append(plots, "# an edit of code the tokens do not depend on")
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == [first, key]
    tokenizer = checkout / "analysis" / "segment" / "tokenizer.py"
    before = tokenizer.read_text(encoding="utf-8")
    assert before.count("def is_content(token: str) -> bool:\n") == 1
    head = "def is_content(token: str) -> bool:\n"
    edited_code = before.replace(head, head + "    if token == '疫情防控':\n        return False\n")
    tokenizer.write_text(edited_code, encoding="utf-8")
    tokens, edited_key = run(checkout, f"print(json.dumps({result}, ensure_ascii=False))")
    assert edited_key != key and tokens == [t for t in first if t != "疫情防控"]
    tokenizer.write_text(before, encoding="utf-8")
    assert run(checkout, f"print(json.dumps({result}, ensure_ascii=False))") == [first, key]


def test_code_files_follow_imports_and_file_digests_see_every_write(tmp_path):
    """code_files: the segmenter's key covers its package, the lexicon readers and the paths, not the plots or
    the themes; file_digest: two writes of the same size within one clock tick are told apart (the file is
    younger than RACY_SECONDS, so its bytes are read again)."""
    names = {str(p.relative_to(PROJECT / "analysis")) for p in code_files("segment")}
    assert {"segment/tokenizer.py", "segment/tokencache.py", "lexicon.py", "paths.py"} <= names
    assert not any(n.startswith(("plots/", "themes/", "corpus/")) for n in names)
    path = tmp_path / "rules.csv"
    path.write_text("a,1\n", encoding="utf-8")
    first = file_digest(path)
    stat = path.stat()
    path.write_text("b,1\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same modification time
    assert file_digest(path) != first
    path.write_text("a,1\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert file_digest(path) == first and file_digest(tmp_path / "missing.csv") == "-"


def test_settled_reads_a_files_digest_once_and_sees_an_edit_after_it(tmp_path):
    """freshness.settled (one chunk of work on a worker): the digest of a file is read once inside it; the
    next call after it reads the edited file."""
    import hashlib

    from analysis import freshness

    rules = tmp_path / "rules.csv"
    rules.write_text("a,b\n", encoding="utf-8")
    first = hashlib.sha1(b"a,b\n").hexdigest()
    with freshness.settled():
        assert freshness.file_digest(rules) == first
        rules.write_text("a,b\nc,d\n", encoding="utf-8")
        assert freshness.file_digest(rules) == first  # inside the stretch: the digest read at its start
    assert freshness.file_digest(rules) == hashlib.sha1(b"a,b\nc,d\n").hexdigest()


def _memo_in_a_process(folder, log, barrier, background=False):
    """memo_frame of one key in a process of its own, once both processes are ready; the compute logs its pid and
    takes a second (the time the other process needs to ask for the same result meanwhile). `background`: as the
    build's niced explorer (parallel.Background(nice=...)) marks itself."""
    import time

    from analysis.memo import BACKGROUND_ENV, memo_frame

    os.environ["ANALYSIS_CACHE_DIR"] = str(folder)
    if background:
        os.environ[BACKGROUND_ENV] = "1"

    def compute():
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1.0)
        return pd.DataFrame({"pid": [os.getpid()]})

    barrier.wait()
    if background:
        time.sleep(0.3)  # (the other process asks first and is computing)
    print(memo_frame("probe", ["the same input"], compute)["pid"].iloc[0], file=open(f"{log}.{os.getpid()}", "w"))


def _two_processes(tmp_path, background=(False, False)):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, log = ctx.Barrier(2), tmp_path / "computed"
    procs = [ctx.Process(target=_memo_in_a_process, args=(tmp_path / "cache", log, barrier, b)) for b in background]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    return log.read_text().split(), [Path(f"{log}.{p.pid}").read_text().strip() for p in procs]


def test_two_processes_asking_for_one_memo_at_once_compute_it_once(tmp_path):
    """The build's processes ask for the same result at the same time (notebook 03 and the explorer resampled
    the same articles, 2 s each): the second waits for the first's result and reads it; no lock file is left."""
    pytest.importorskip("fcntl")  # (without it each process computes its own)
    computed, got = _two_processes(tmp_path)
    assert len(computed) == 1  # without the lock both miss the cache and both compute
    assert set(got) == {computed[0]}  # both have the one result
    assert [p.suffix for p in (tmp_path / "cache" / "probe").iterdir()] == [".arrow"]


def test_a_background_process_waits_for_a_memo_but_never_makes_a_notebook_wait(tmp_path):
    """The niced explorer waits for a result a notebook is computing and reads it; a result it computes itself it
    computes without the lock, so that no notebook waits for a process running at nice 19."""
    pytest.importorskip("fcntl")
    computed, got = _two_processes(tmp_path, background=(False, True))
    assert len(computed) == 1 and set(got) == {computed[0]}  # the explorer waited for the notebook's result
    import fcntl

    from analysis.memo import BACKGROUND_ENV, _computing

    path = tmp_path / "mine.arrow"
    os.environ[BACKGROUND_ENV] = "1"
    try:
        with _computing(path):
            with open(path.with_name(path.name + ".lock"), "a+b") as other:  # a notebook asking meanwhile
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # is not kept waiting (BlockingIOError if it were)
    finally:
        del os.environ[BACKGROUND_ENV]
    with _computing(path):  # a notebook's compute holds it
        with open(path.with_name(path.name + ".lock"), "a+b") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _signal_and_sleep(ready):
    import time

    ready.set()  # (the at-fork handlers have run by now)
    time.sleep(30)


def test_a_process_forked_while_a_memo_is_computed_does_not_keep_its_lock(tmp_path, monkeypatch):
    """A process forked while this one computes a memo (the build forks its explorer) closes its copy of the
    memo's lock: had it kept it, the lock would stay held as long as that process runs, and it would wait for
    ever if it asked for the same result itself."""
    import multiprocessing

    from analysis.memo import memo_frame

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc to list a process's open files")
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    ctx = multiprocessing.get_context("fork")
    ready, children = ctx.Event(), []

    def compute():
        children.append(ctx.Process(target=_signal_and_sleep, args=(ready,)))
        children[0].start()
        return pd.DataFrame({"x": [1]})

    try:
        memo_frame("probe", ["forked"], compute)
        assert ready.wait(30)
        fds = f"/proc/{children[0].pid}/fd"
        links = [os.readlink(f"{fds}/{fd}") for fd in os.listdir(fds)]
        assert links and not [link for link in links if ".arrow.lock" in link]  # (a removed one: "... (deleted)")
    finally:
        for c in children:
            c.kill()
            c.join()
