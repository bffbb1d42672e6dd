"""The cluster path (analysis/cluster/) on a LocalCluster of 2 worker processes: every heavy stage gives
exactly the pandas path's table, on the seed corpus and on a 2,000-item sample of ../shared/corpora; a
written Parquet corpus loads back equal; a killed worker does not change a result; bad files are named."""
from __future__ import annotations

import itertools
import json
import lzma
import os
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed", reason="the cluster extra is not installed: pip install -e '.[cluster]'")

import analysis as A  # noqa: E402
from analysis import cluster  # noqa: E402
from analysis.cluster.client import _to_dask  # noqa: E402
from analysis.sources import CorpusError  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPORA = PROJECT_ROOT.parent / "shared" / "corpora"
SAMPLE_FILE = CORPORA / "xwlb_2020_2022.jsonl.xz"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from distributed import Client, LocalCluster

    # the workers inherit this process's environment, so they share its caches (tokens, regions)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as c:
        yield c


def _rows(frame: pd.DataFrame, keys) -> pd.DataFrame:
    return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)


def check_stages(ref: pd.DataFrame, ddf, client, places_limit: int | None = None,
                 groupings=(None, "doc_id", ["doc_id", "section"])) -> None:
    """Every stage on the dask corpus `ddf` equals the pandas path on `ref` (the same corpus)."""
    ddf = ddf.persist()  # kept in the workers' memory: each check below starts from it, as a user would
    got = ddf.compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref)
    paras = A.paragraphs(ref)
    dparas = A.paragraphs(ddf).persist()
    pd.testing.assert_frame_equal(dparas.compute().reset_index(drop=True), paras)
    assert A.tokenize_corpus(dparas["text"]).compute().tolist() == A.tokenize_corpus(paras["text"], progress=False)
    for by in groupings:
        pd.testing.assert_frame_equal(A.term_frequencies(dparas, by), A.term_frequencies(paras, by))
    pd.testing.assert_frame_equal(A.term_frequencies(dparas, "year", corpus=ddf, top=50),
                                  A.term_frequencies(paras, "year", corpus=ref, top=50))
    pd.testing.assert_frame_equal(A.term_frequencies(ref, "province", client=client),
                                  A.term_frequencies(ref, "province"))
    pd.testing.assert_frame_equal(A.dfm(ddf, "province"), A.dfm(ref, "province"))
    target = ref["province"].value_counts().index[0]
    pd.testing.assert_frame_equal(A.keyness(ddf, target, "province"), A.keyness(ref, target, "province"))
    coded = A.code_paragraphs(paras)
    dcoded = A.code_paragraphs(dparas).persist()
    pd.testing.assert_frame_equal(dcoded.compute().reset_index(drop=True), coded)
    for by, corpus, dcorpus in (("doc_id", None, None), ("section", None, None), ("province", ref, ref),
                                ("province", ref, ddf), ("year", ref, ddf)):
        pd.testing.assert_frame_equal(A.theme_counts(dcoded, by, dcorpus), A.theme_counts(coded, by, corpus))
        pd.testing.assert_frame_equal(A.theme_shares(dcoded, by, dcorpus), A.theme_shares(coded, by, corpus))
        pd.testing.assert_series_equal(A.paragraph_counts(dcoded, by, dcorpus), A.paragraph_counts(coded, by, corpus))
    pd.testing.assert_frame_equal(A.theme_counts(coded, "section", client=client), A.theme_counts(coded, "section"))

    # places and amounts (on the first `places_limit` articles: the pandas path is the slow one here)
    if places_limit is not None:
        ids = set(ref["doc_id"].iloc[:places_limit])
        ref = ref[ref["doc_id"].isin(ids)].reset_index(drop=True)
        paras = paras[paras["doc_id"].isin(ids)].reset_index(drop=True)
        ddf = ddf[ddf["doc_id"].isin(list(ids))]
        dparas = A.paragraphs(ddf)
    mentions = A.place_mentions(paras, ref)
    assert len(mentions) > 0
    keys = ["doc_id", "para_no", "start"]
    pd.testing.assert_frame_equal(_rows(A.place_mentions(dparas, ddf).compute(), keys), _rows(mentions, keys))
    units = A.place_units(ref)
    dunits = A.place_units(ddf)
    pd.testing.assert_frame_equal(dunits.compute().reset_index(drop=True), units)
    keys = ["doc_id", "para_no", "unit_no"]
    pd.testing.assert_frame_equal(_rows(A.place_units(ddf, dparas).compute(), keys), _rows(units, keys))
    amounts = A.unit_amounts(units)
    assert len(amounts) > 0
    damounts = A.unit_amounts(dunits)
    pd.testing.assert_frame_equal(damounts.compute().reset_index(drop=True), amounts)
    by_place = A.amounts_by_place(units, amounts).sort_values("city").reset_index(drop=True)
    pd.testing.assert_frame_equal(A.amounts_by_place(dunits, damounts), by_place, check_dtype=False)


# ---------------------------------------------------------------- the seed corpus


def test_written_corpus_loads_back_equal(corpus, tmp_path):
    out = A.write_corpus(None, tmp_path / "seed", part_mb=0.005, progress=False)
    marker = json.loads((out / "_corpus.json").read_text(encoding="utf-8"))
    assert marker["rows"] == len(corpus) and len(marker["parts"]) > 1  # bounded parts: several
    back = A.load_corpus(out)
    pd.testing.assert_frame_equal(back, corpus)
    pd.testing.assert_frame_equal(A.cleaning_audit(back).reset_index(drop=True),
                                  A.cleaning_audit(corpus).reset_index(drop=True), check_dtype=False)


def test_seed_corpus_every_stage_on_the_cluster(corpus, client, tmp_path):
    out = A.write_corpus(None, tmp_path / "seed", part_mb=0.005, client=client)
    ddf = A.load_corpus(out, client=client)
    assert ddf.npartitions > 1
    check_stages(corpus, ddf, client)
    # loading and cleaning a raw source on the workers gives the same corpus
    pd.testing.assert_frame_equal(A.load_corpus(client=client).compute().reset_index(drop=True), corpus)


def test_dispatch_needs_no_client_for_dask_input(corpus, client):
    ddf = _to_dask(corpus, client)
    assert cluster.is_dask(ddf) and not cluster.is_dask(corpus)
    pd.testing.assert_frame_equal(A.term_frequencies(ddf, "province", top=20),
                                  A.term_frequencies(corpus, "province", top=20))


def test_theme_share_intervals_and_differences_on_the_cluster_equal_the_pandas_ones(corpus, paras, client):
    """The per-article counts are made on the workers, the resampling here: the same seed, the same table."""
    coded = A.code_paragraphs(paras)
    dcoded, dcorpus = _to_dask(coded, client), _to_dask(corpus, client)
    for by in ("province", "year", "doc_id"):
        pd.testing.assert_frame_equal(A.theme_share_intervals(coded, by, corpus, n_boot=200, client=client),
                                      A.theme_share_intervals(coded, by, corpus, n_boot=200))
    pd.testing.assert_frame_equal(A.theme_share_intervals(dcoded, "year", dcorpus, n_boot=200),
                                  A.theme_share_intervals(coded, "year", corpus, n_boot=200))
    pd.testing.assert_frame_equal(A.theme_share_difference(dcoded, "province", "北京市", "四川省", corpus, n_boot=200),
                                  A.theme_share_difference(coded, "province", "北京市", "四川省", corpus, n_boot=200))


def test_killed_worker_does_not_change_the_result(corpus, client):
    """A worker process dies mid-computation: the scheduler reruns its tasks elsewhere, same table."""
    import threading
    import time

    paras = A.paragraphs(corpus)
    expected = A.term_frequencies(paras, ["doc_id", "section"], cache=False)
    ddf = _to_dask(paras, client).repartition(npartitions=20)

    def slow(part):
        time.sleep(0.3)
        return part

    slowed = ddf.map_partitions(slow, meta=ddf._meta)
    workers = list(client.scheduler_info()["workers"])
    def kill():
        try:
            client.run(os._exit, 1, workers=[workers[0]])
        except Exception:  # noqa: BLE001 - the worker dies before it can answer: that is the point
            pass

    killer = threading.Timer(1.5, kill)
    killer.start()
    got = A.term_frequencies(slowed, ["doc_id", "section"], cache=False)
    killer.join()
    pd.testing.assert_frame_equal(got, expected)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker


def test_bad_files_are_named_from_the_workers(client, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    good = (PROJECT_ROOT / "data" / "raw").glob("*.txt")
    for p in itertools.islice(sorted(good), 2):
        (src / p.name).write_bytes(p.read_bytes())
    (src / "broken.txt").write_bytes(bytes(range(256)) * 8)
    table = src / "table.jsonl"
    table.write_text('{"id": "a1", "text": "全国政协委员积极参与疫情防控工作，向社区捐赠口罩。"}\n'
                     '{"id": "a2", "text": ""}\n'
                     "not json\n", encoding="utf-8")
    with pytest.raises(CorpusError) as local:
        A.load_corpus(src, cache=False, progress=False)
    with pytest.raises(CorpusError) as remote:
        A.load_corpus(src, client=client)
    assert str(remote.value) == str(local.value) and "broken.txt" in str(remote.value)
    with pytest.warns(UserWarning) as local_warn:
        ref = A.load_corpus(src, errors="skip", cache=False, progress=False)
    with pytest.warns(UserWarning, match="skipped 3"):
        out = A.write_corpus(src, tmp_path / "ds", errors="skip", client=client)
    assert any("skipped 3" in str(w.message) for w in local_warn)
    back = A.load_corpus(out)
    pd.testing.assert_frame_equal(back, ref)
    skipped = A.cleaning_audit(back).query("rule == 'skipped'")
    local_skipped = A.cleaning_audit(ref).query("rule == 'skipped'")
    assert sorted(skipped["doc_id"]) == sorted(local_skipped["doc_id"])
    assert any("broken.txt" in d for d in skipped["doc_id"])
    assert any(d.endswith("table.jsonl:line 3") for d in skipped["doc_id"])
    assert any("table.jsonl:row 2 (id a2)" in d for d in skipped["doc_id"])


# ---------------------------------------------------------------- a sample of a real corpus


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    if not SAMPLE_FILE.exists():
        pytest.skip(f"{SAMPLE_FILE} is absent (a fresh clone has no ../shared/corpora)")
    path = tmp_path_factory.mktemp("xwlb") / "sample.jsonl"
    with lzma.open(SAMPLE_FILE, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(src, 2000))
    return path


def test_sample_of_a_real_corpus_every_stage(sample, client, tmp_path):
    with pytest.warns(UserWarning, match="skipped"):  # items with an empty text
        ref = A.load_corpus(sample, errors="skip", progress=False)
    with pytest.warns(UserWarning, match="skipped"):
        out = A.write_corpus(sample, tmp_path / "ds", errors="skip", part_mb=1, chunk_rows=500, client=client)
    back = A.load_corpus(out)
    extra = json.loads((out / "_corpus.json").read_text(encoding="utf-8"))["extra_columns"]
    assert set(extra) <= set(ref.columns)
    as_text = {c: ref[c].map(lambda v: None if v is None or v != v else str(v)) for c in extra}
    expected = ref.assign(**as_text)  # extra table columns are kept as text in the dataset
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    pd.testing.assert_frame_equal(back[list(A.corpus.COLUMNS)], ref[list(A.corpus.COLUMNS)])
    ddf = A.load_corpus(out, client=client)
    assert ddf.npartitions >= 4
    check_stages(back, ddf, client, places_limit=60, groupings=(None,))  # per-article groups: on the seeds
