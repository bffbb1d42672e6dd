"""The validation workflow (analysis.validation): blind coding sheets, kappa with article-bootstrap
intervals, disagreements and rule suggestions, on the seed paragraphs and small hand-made tables."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from analysis import (
    code_paragraphs,
    codebook_agreement,
    coding_sheet,
    disagreements,
    intercoder_agreement,
    load_codebook,
    load_theme_labels,
    read_coding_sheet,
    suggest_rules,
)

THEMES = list(load_codebook()["id"])


@pytest.fixture(scope="module")
def coded(paras):
    return code_paragraphs(paras)


def table(docs, donation_h, donation_m, advice_h, advice_m):
    """A coded table and labels over paragraphs 1.. of `docs`, two themes set, the others all False."""
    coded = pd.DataFrame({"doc_id": docs, "para_no": range(1, len(docs) + 1), "text": "段落。"})
    for t in THEMES:
        coded[t] = False
    coded["donation"], coded["advice"] = np.array(donation_m, bool), np.array(advice_m, bool)
    themes = [";".join(t for t, on in (("donation", d), ("advice", a)) if on) for d, a in zip(donation_h, advice_h)]
    labels = pd.DataFrame({"doc_id": docs, "para_no": range(1, len(docs) + 1), "themes": themes})
    return coded, labels


# donation: tp 3, fp 1, fn 1, tn 5 -> po 0.8, pe (4*4 + 6*6)/100 = 0.52, kappa 0.28/0.48 = 7/12
DON_H = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
DON_M = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
# advice: tp 2, tn 8 -> kappa 1
ADV = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_kappa_precision_recall_on_a_hand_table():
    coded, labels = table(["a"] * 5 + ["b"] * 5, DON_H, DON_M, ADV, ADV)
    t = codebook_agreement(coded, labels).set_index("theme")
    assert t.loc["donation", "kappa"] == pytest.approx(7 / 12)
    assert t.loc["donation", "kappa"] == pytest.approx(cohen_kappa_score(DON_H, DON_M))
    assert t.loc["donation", ["precision", "recall"]].tolist() == [0.75, 0.75]
    assert t.loc["advice", "kappa"] == 1.0 and np.isnan(t.loc["medical", "kappa"])
    # pooled over 10 paragraphs x 12 themes: tp 5, fp 1, fn 1, tn 113 -> po 118/120,
    # pe (6*6 + 114*114)/14400 = 0.905, kappa (118/120 - 0.905)/0.095 = 47/57
    assert t.loc["pooled", "kappa"] == pytest.approx(47 / 57)
    assert t.loc["pooled", ["human", "codebook", "both", "over", "under"]].tolist() == [6, 6, 5, 1, 1]


def test_interval_resamples_articles_not_paragraphs():
    # one article: every resample is the same article, the interval is the point
    coded, labels = table(["a"] * 10, DON_H, DON_M, ADV, ADV)
    t = codebook_agreement(coded, labels).set_index("theme")
    assert t.loc["donation", ["kappa_lo", "kappa_hi"]].tolist() == pytest.approx([7 / 12, 7 / 12])
    # two articles: resamples are AA, AB or BB (1/4, 1/2, 1/4); AA has A's kappa.
    # A: tp 2, fp 1, tn 2 -> po 4/5, pe 12/25, kappa 8/13; B: tp 1, fn 1, tn 3 -> po 4/5, pe 14/25, kappa 6/11
    don_h = [1, 1, 0, 0, 0] + [1, 1, 0, 0, 0]
    don_m = [1, 1, 1, 0, 0] + [1, 0, 0, 0, 0]
    coded, labels = table(["a"] * 5 + ["b"] * 5, don_h, don_m, ADV, ADV)
    t = codebook_agreement(coded, labels, level=0.95, n_boot=2000).set_index("theme")
    assert t.loc["donation", "kappa"] == pytest.approx(7 / 12)
    assert t.loc["donation", ["kappa_lo", "kappa_hi"]].tolist() == pytest.approx([6 / 11, 8 / 13])
    again = codebook_agreement(coded, labels, level=0.95, n_boot=2000).set_index("theme")
    assert again.equals(t)  # deterministic for a seed


def test_seed_agreement_interval_brackets_kappa(coded):
    t = codebook_agreement(coded, load_theme_labels("seed")).set_index("theme")
    ok = t["kappa"].notna()
    assert (t.loc[ok, "kappa_lo"] <= t.loc[ok, "kappa"] + 1e-12).all()
    assert (t.loc[ok, "kappa"] <= t.loc[ok, "kappa_hi"] + 1e-12).all()
    assert 0.85 < t.loc["pooled", "kappa_lo"] < t.loc["pooled", "kappa_hi"] <= 1


# ---------------------------------------------------------------- sheets


def fill(sheet, labels):
    """The sheet as a coder would return it: 1 in the theme columns the labels give, 0 elsewhere."""
    lab = labels.set_index(["doc_id", "para_no"])["themes"]
    out = sheet.copy()
    for t in THEMES:
        out[t] = [int(t in lab[key]) for key in zip(out["doc_id"], out["para_no"])]
    return out


def test_sheet_is_blind_with_context_and_definitions(coded, corpus, tmp_path):
    sheet = coding_sheet(coded, n=30, corpus=corpus, path=tmp_path / "sheet.csv")
    assert list(sheet.columns) == ["doc_id", "para_no", "title", "previous", "text"] + THEMES + ["note"]
    assert (sheet[THEMES] == "").all().all() and "themes" not in sheet and "keywords" not in sheet
    assert len(sheet) == 30 and not sheet.duplicated(["doc_id", "para_no"]).any()
    texts = coded.set_index(["doc_id", "para_no"])["text"]
    titles = corpus.set_index("doc_id")["title"]
    for r in sheet.itertuples():
        assert r.text == texts[(r.doc_id, r.para_no)] and r.title == titles[r.doc_id]
        before = coded[(coded["doc_id"] == r.doc_id) & (coded["para_no"] < r.para_no)]
        assert r.previous == (before.sort_values("para_no")["text"].iloc[-1] if len(before) else "")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["sheet.csv", "sheet.xlsx", "sheet_definitions.csv"]
    defs = pd.read_csv(tmp_path / "sheet_definitions.csv", encoding="utf-8-sig")
    assert defs["theme"].tolist()[1:] == THEMES
    assert defs.loc[defs["theme"] == "donation", "definition"].item() == load_codebook().set_index("id").loc[
        "donation", "definition"]
    assert pd.ExcelFile(tmp_path / "sheet.xlsx").sheet_names == ["paragraphs", "definitions"]
    # the codebook's notes for coders, one "- " line per sentence, beside each definition
    assert defs.columns.tolist() == ["theme", "zh", "en", "definition", "when_to_use", "when_not_to_use"]
    assert defs.loc[defs["theme"] == "donation", "when_not_to_use"].item() == (
        "- What an appeal asks people to give, where no giving is reported (倡议会员企业踊跃捐款捐物).\n"
        "- Ceremonial and diplomatic gifts (纪念品, 题词, 自传).")


def test_a_codebook_without_notes_for_coders_writes_only_its_definitions(coded, tmp_path):
    """A codebook table made before the notes existed (no such columns), or with none written, or with a gap (NaN,
    as pandas leaves when tables with and without the columns are joined): the definitions file has no empty notes
    columns, and one theme's note still reaches the sheet."""
    full = load_codebook()
    for cb in (full.drop(columns=["when_to_use", "when_not_to_use"]),
               full.assign(when_to_use=[()] * len(full), when_not_to_use=[()] * len(full))):
        coding_sheet(coded, n=10, path=tmp_path / "sheet.csv", codebook=cb)
        defs = pd.read_csv(tmp_path / "sheet_definitions.csv", encoding="utf-8-sig")
        assert defs.columns.tolist() == ["theme", "zh", "en", "definition"]
    gappy = full.assign(when_to_use=[float("nan")] * (len(full) - 1) + ["Money given."],
                        when_not_to_use=[None] * len(full))
    coding_sheet(coded, n=10, path=tmp_path / "sheet.csv", codebook=gappy)
    defs = pd.read_csv(tmp_path / "sheet_definitions.csv", encoding="utf-8-sig", keep_default_na=False)
    assert defs.columns.tolist() == ["theme", "zh", "en", "definition", "when_to_use"]
    assert defs["when_to_use"].tolist() == [""] * len(full) + ["- Money given."]


def test_sheet_gives_rare_themes_positives_and_is_reproducible(coded, tmp_path):
    # overseas: 3 of the 81 seed paragraphs; a random 24 would miss it 2 times in 3
    sheet = coding_sheet(coded, n=24, seed=1, path=tmp_path / "a.csv")
    picked = coded.set_index(["doc_id", "para_no"]).loc[list(zip(sheet["doc_id"], sheet["para_no"]))]
    present = [t for t in THEMES if coded[t].any()]
    assert all(picked[t].any() for t in present), [t for t in present if not picked[t].any()]
    again = coding_sheet(coded, n=24, seed=1, path=tmp_path / "b.csv")
    assert again.equals(sheet)
    other = coding_sheet(coded, n=24, seed=2, path=tmp_path / "c.csv")
    assert not other[["doc_id", "para_no"]].equals(sheet[["doc_id", "para_no"]])


def test_sheet_stratify_by_spreads_the_random_fill(coded, corpus, tmp_path):
    sheet = coding_sheet(coded, n=40, stratify_by="doc_id", path=tmp_path / "s.csv")
    per_doc = sheet["doc_id"].value_counts()
    assert len(per_doc) == 5 and per_doc.min() >= 4


def test_sheet_round_trip_csv_and_xlsx(coded, tmp_path):
    labels = load_theme_labels("seed")
    sheet = coding_sheet(coded, n=40, path=tmp_path / "sheet.csv")
    filled = fill(sheet, labels)
    filled.to_csv(tmp_path / "coded.csv", index=False, encoding="utf-8-sig")
    filled.to_excel(tmp_path / "coded.xlsx", index=False)
    want = labels.set_index(["doc_id", "para_no"]).loc[list(zip(sheet["doc_id"], sheet["para_no"])), "themes"]
    for path in (tmp_path / "coded.csv", tmp_path / "coded.xlsx"):
        back = read_coding_sheet(path, paras=coded)
        assert list(back.columns) == ["doc_id", "para_no", "themes", "note"]
        assert back["themes"].map(set).tolist() == want.map(set).tolist()
        assert all(list(ts) == [t for t in THEMES if t in ts] for ts in back["themes"])  # codebook order
    # read back, the sheet's labels agree with the seed labels exactly as the seed labels themselves do
    t = codebook_agreement(coded, back).set_index("theme")
    ref = codebook_agreement(coded, labels[labels.set_index(["doc_id", "para_no"]).index.isin(want.index)])
    assert t["both"].tolist() == ref["both"].tolist()


def write(tmp_path, rows, name="bad.csv"):
    frame = pd.DataFrame(rows)
    frame.to_csv(tmp_path / name, index=False)
    return tmp_path / name


def good_row(coded, **change):
    r = {"doc_id": coded["doc_id"].iloc[0], "para_no": int(coded["para_no"].iloc[0]), "text": "…"}
    r.update({t: "" for t in THEMES})
    r.update(change)
    return r


def test_sheet_errors_name_file_row_and_column(coded, tmp_path):
    path = write(tmp_path, [good_row(coded), good_row(coded, para_no=2, donation="yes")])
    with pytest.raises(ValueError, match=r"bad\.csv, row 3, column 'donation': cell 'yes' is not 0 or 1"):
        read_coding_sheet(path)
    path = write(tmp_path, [good_row(coded, donation=2)])
    with pytest.raises(ValueError, match=r"row 2, column 'donation': cell '2'"):
        read_coding_sheet(path)
    path = write(tmp_path, [{**good_row(coded), "doantion": 1}])
    with pytest.raises(ValueError, match=r"bad\.csv: column 'doantion' is not a theme of the codebook"):
        read_coding_sheet(path)
    path = write(tmp_path, [good_row(coded), good_row(coded, doc_id="nowhere", para_no=3)])
    with pytest.raises(ValueError, match=r"row 3: paragraph \(doc_id=nowhere, para_no=3\) is not in the corpus"):
        read_coding_sheet(path, paras=coded)
    path = write(tmp_path, [{k: v for k, v in good_row(coded).items() if k != "advice"}])
    with pytest.raises(ValueError, match=r"no column for theme\(s\) \['advice'\]"):
        read_coding_sheet(path)
    path = write(tmp_path, [good_row(coded), good_row(coded)])
    with pytest.raises(ValueError, match=r"row 3: paragraph .* is listed twice"):
        read_coding_sheet(path)
    path = write(tmp_path, [good_row(coded, para_no="2b")])
    with pytest.raises(ValueError, match=r"row 2, column 'para_no': '2b' is not a whole number"):
        read_coding_sheet(path)


def test_two_coders_sheets_give_intercoder_kappa(coded, tmp_path):
    sheet = coding_sheet(coded, n=20, path=tmp_path / "sheet.csv")
    a = fill(sheet, load_theme_labels("seed"))
    b = a.copy()
    b.loc[b.index[:3], "donation"] = 1 - b.loc[b.index[:3], "donation"]  # coder B differs on three cells
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    t = intercoder_agreement(tmp_path / "a.csv", tmp_path / "b.csv", paras=coded).set_index("theme")
    assert t.loc["donation", "kappa"] == pytest.approx(cohen_kappa_score(a["donation"].astype(int),
                                                                         b["donation"].astype(int)))
    assert t.loc["donation", "only_a"] + t.loc["donation", "only_b"] == 3
    assert t.loc["pooled", "n"] == 20 and t.loc["pooled", "only_a"] + t.loc["pooled", "only_b"] == 3


# ---------------------------------------------------------------- disagreements and suggestions


def test_disagreements_show_triggers_and_closest_words():
    paras = pd.DataFrame({"doc_id": ["x", "x"], "para_no": [1, 2],
                          "text": ["区政协召开会议。委员企业捐赠口罩2万只。", "区政协号召委员捐款，共克时艰。"]})
    coded = code_paragraphs(paras)
    # 号召……捐款 is an appeal (mobilisation), not a donation
    assert coded["themes"].tolist() == [("donation",), ("mobilisation",)]
    labels = pd.DataFrame({"doc_id": ["x", "x"], "para_no": [1, 2], "themes": ["", "mobilisation;donation"],
                           "note": ["", "coder: the appeal raised money"]})
    d = disagreements(coded, labels).set_index(["para_no"])
    assert d.loc[1, ["theme", "kind", "words", "sentence"]].tolist() == [
        "donation", "over", "捐赠", "委员企业捐赠口罩2万只。"]
    assert d.loc[2, ["theme", "kind"]].tolist() == ["donation", "under"]
    assert d.loc[2, "words"].startswith("捐款 1.00")  # in the text, kept out by the appeal formula
    assert d.loc[2, "sentence"] == "区政协号召委员捐款，共克时艰。" and d.loc[2, "note"].startswith("coder")


def test_suggest_rules_proposes_keywords_from_missed_paragraphs():
    # 进言 (to advise) is no word of the codebook: the coder's advice paragraphs the codebook missed share it
    missed = ["针对老旧小区加装电梯难的问题，委员进言简化审批流程。", "委员进言加大对农村医疗的投入。",
              "针对停车难，委员进言建设立体停车场。"]
    rest = ["区政协召开常委会议，委员传达学习全会精神。", "会议审议通过了委员工作报告。", "主席出席开幕式并讲话。"]
    paras = pd.DataFrame({"doc_id": list("abcdef"), "para_no": 1, "text": missed + rest})
    coded = code_paragraphs(paras)
    labels = paras[["doc_id", "para_no"]].assign(themes=["advice"] * 3 + [""] * 3)
    s = suggest_rules(coded, labels)
    adv = s[(s["theme"] == "advice") & (s["kind"] == "keyword")]
    assert adv["term"].iloc[0] == "进言" and adv["paragraphs"].iloc[0] == 3
    assert list(s.columns) == ["theme", "kind", "term", "n_target", "n_reference", "G2", "p", "paragraphs"]
    assert "进言" not in load_codebook().set_index("id").loc["advice", "keywords"]  # advisory: nothing applied


# ---------------------------------------------------------------- the codebook against blind coders (issue 23)


def test_codebook_meets_the_kappa_targets_on_the_seeds(coded, capsys):
    """Pooled kappa >= 0.90 and every theme >= 0.80 against the first blind coding of the seeds, except
    mobilisation: there the first coders left statements of following the Party's deployment uncoded, while every
    later blind coding codes them: coder E, and a third team of two coders and an adjudicator (seed_f, eleventh
    revision), as the issue's hidden seed coders did (their mobilisation kappa with the first rules was 0.64, E's
    0.65). Since the eleventh codebook such a statement codes alone where a united-front body reports its own
    epidemic work in the sentence (a `contextual` word): mobilisation 0.85 against E and the third team, 0.749
    against the first coding (it was 0.79, 0.80 and 0.75 with the eighth to tenth codebooks), so its floor is
    0.74, lowered from 0.75 by this choice."""
    t = codebook_agreement(coded, load_theme_labels("seed")).set_index("theme")
    e = codebook_agreement(coded, load_theme_labels("seed_e")).set_index("theme")
    f = codebook_agreement(coded, load_theme_labels("seed_f")).set_index("theme")
    cols = ["human", "codebook", "over", "under", "kappa", "kappa_lo", "kappa_hi"]
    with capsys.disabled():
        for name, table in (("first coding", t), ("coder E", e), ("third team", f)):
            print(f"\n[validation] seed paragraphs, {name}:\n" + table[cols].round(2).to_string())
    assert t.loc["pooled", "n"] == 81 and e.loc["pooled", "n"] == 81 and f.loc["pooled", "n"] == 81
    assert t.loc["pooled", "kappa"] >= 0.90
    assert (t.drop(index=["pooled", "mobilisation"])["kappa"] >= 0.80).all(), t["kappa"]
    assert t.loc["mobilisation", "kappa"] >= 0.74
    # recall: the keyword rules before issue 12 missed 5 of the first coders' 186 codes; 4 now
    assert t.loc["pooled", "under"] <= 4
    assert e.loc["pooled", "kappa"] >= 0.88 and e.loc["mobilisation", "kappa"] >= 0.85
    assert f.loc["pooled", "kappa"] >= 0.92 and f.loc["mobilisation", "kappa"] >= 0.85
    # against the third team every theme is at 0.80 or more (community and livelihood 0.82 the lowest)
    assert (f.drop(index="pooled")["kappa"] >= 0.80).all(), f["kappa"]
    assert e.loc["community", "kappa"] >= 0.80 and f.loc["community", "kappa"] >= 0.80
    # revision 21: ethnic-minority figures named among the volunteers (少数民族人士等穿梭在社区) are no ethnic affairs
    # in any of the three codings; coding them held religion at 0.90 / 0.79 / 0.90
    assert t.loc["religion", "kappa"] == f.loc["religion", "kappa"] == 1.0 and e.loc["religion", "kappa"] >= 0.88


CCTV = load_theme_labels("cctv")


def test_cctv_fixture_holds_ids_and_a_split_by_item():
    from analysis.paths import FIXTURES_DIR

    fixture = pd.read_csv(FIXTURES_DIR / "theme_labels_cctv.csv", dtype=str, keep_default_na=False)
    assert list(fixture.columns) == ["item_id", "line_no", "sha", "themes", "half"]
    assert not fixture.apply(lambda col: col.str.contains(r"[\u4e00-\u9fff]")).any().any()  # no CCTV text
    assert fixture["half"].value_counts().to_dict() == {"dev": 78, "heldout": 78}
    assert fixture.groupby("item_id")["half"].nunique().max() == 1  # an item's paragraphs stay in one half
    assert set(t for ts in fixture["themes"] for t in ts.split(";") if t) <= set(THEMES)


@pytest.mark.skipif(CCTV is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agreement_on_the_blind_cctv_fixture(capsys):
    """156 CCTV paragraphs (2012-2022) naming united-front actors, adjudicated consensus of two blind coders.
    The first issue-23 revision looked at the dev half only: dev 0.66 -> 0.91, heldout 0.50 -> 0.68 [0.56, 0.78],
    all 0.59 -> 0.81. The heldout half was then measured, and the second revision (branch codebook2) tuned on the
    whole fixture: dev 0.91, heldout 0.87 [0.79, 0.93], all 0.90 [0.85, 0.93]. Both halves are development data
    now; the held-out measure of the second revision is the cctv2 fixture."""
    assert len(CCTV) == 156 and CCTV["text"].str.len().gt(0).all()
    coded = code_paragraphs(CCTV[["doc_id", "para_no", "text"]])
    tables = {half: codebook_agreement(coded, CCTV[CCTV["half"] == half]).set_index("theme")
              for half in ("dev", "heldout")}
    tables["all"] = codebook_agreement(coded, CCTV).set_index("theme")
    with capsys.disabled():
        print("\n[validation] CCTV blind fixture, kappa per theme:\n"
              + pd.concat({k: v["kappa"] for k, v in tables.items()}, axis=1).round(2).to_string())
    assert tables["all"].loc["pooled", "kappa"] >= 0.88
    assert tables["dev"].loc["pooled", "kappa"] >= 0.88
    assert tables["heldout"].loc["pooled", "kappa"] >= 0.85
    assert tables["all"].loc["pooled", "kappa_lo"] > 0.8


CCTV2 = load_theme_labels("cctv2")


def test_cctv2_fixture_holds_ids_only_one_paragraph_per_item():
    from analysis.paths import FIXTURES_DIR

    fixture = pd.read_csv(FIXTURES_DIR / "theme_labels_cctv2.csv", dtype=str, keep_default_na=False)
    assert list(fixture.columns) == ["item_id", "line_no", "sha", "themes"]
    assert not fixture.apply(lambda col: col.str.contains(r"[\u4e00-\u9fff]")).any().any()  # no CCTV text
    assert len(fixture) == 150 and fixture["item_id"].nunique() == 150
    assert set(t for ts in fixture["themes"] for t in ts.split(";") if t) <= set(THEMES)


@pytest.mark.skipif(CCTV2 is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agreement_on_the_held_out_cctv2_fixture(capsys):
    """150 CCTV paragraphs (2012-2022, one per item, 70 before 2020 and 80 after), adjudicated consensus of two
    blind coders (coder against coder 0.95), never looked at while the rules were revised. Measured once, at the
    end of the second issue-23 revision: pooled kappa 0.70 [0.63, 0.76] (the rules before it: 0.68 [0.60, 0.74]).
    The third revision (branch codebook3) used it as development data: 港澳 alone names a region, greeting and
    guest lists name no act, shows are publicity: pooled 0.79 [0.73, 0.84], overseas 0.72 -> 0.91, parties
    0.89 -> 0.92. It is no longer held out; the floors guard the measured level."""
    assert len(CCTV2) == 150 and CCTV2["text"].str.len().gt(0).all()
    t = codebook_agreement(code_paragraphs(CCTV2[["doc_id", "para_no", "text"]]), CCTV2).set_index("theme")
    with capsys.disabled():
        print("\n[validation] CCTV held-out fixture 2:\n" + t[["human", "codebook", "over", "under", "kappa",
                                                               "kappa_lo", "kappa_hi"]].round(2).to_string())
    assert t.loc["pooled", "kappa"] >= 0.78 and t.loc["pooled", "kappa_lo"] >= 0.72
    assert t.loc["parties", "kappa"] >= 0.90 and t.loc["overseas", "kappa"] >= 0.90


def _agreement_of_a_cctv_set(which: str, labels, title: str, capsys, n: int = 160):
    """The codebook against a set of n blind-coded CCTV paragraphs (one per item; the fixture holds ids, not
    text), printed for the record."""
    from analysis.paths import FIXTURES_DIR

    fixture = pd.read_csv(FIXTURES_DIR / f"theme_labels_{which}.csv", dtype=str, keep_default_na=False)
    assert len(fixture) == n and fixture["item_id"].nunique() == n
    assert not fixture.apply(lambda col: col.str.contains(r"[\u4e00-\u9fff]")).any().any()  # no CCTV text
    t = codebook_agreement(code_paragraphs(labels[["doc_id", "para_no", "text"]]), labels).set_index("theme")
    with capsys.disabled():
        print(f"\n[validation] {title}:\n" + t[["human", "codebook", "over", "under", "kappa", "kappa_lo",
                                                  "kappa_hi"]].round(2).to_string())
    return t


CCTV3 = load_theme_labels("cctv3")


@pytest.mark.skipif(CCTV3 is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agreement_on_the_cctv3_fixture(capsys):
    """160 CCTV paragraphs of 2020-2022 (110 from items naming united-front actors), adjudicated consensus of two
    blind coders (who differed on 17 paragraphs), sampled after the second revision and never looked at while the
    third was made. Measured once: the second revision 0.71 [0.63, 0.78], the third 0.73 [0.66, 0.80]
    (mobilisation over-coded, 13 coded, 5 by the coders: routine meetings that pass on instructions). The fourth
    revision (branch codebook4) used it as development data, with the other fixtures: the Party's decisions on
    one subject or with the State Council, the Party group's study sessions and mobilising society in general are
    not mobilisation; foreign parties named 民盟, greeting and congratulation lists, the five-year-plan draft
    (建议稿) and newscast hand-overs name no act: pooled 0.82 [0.75, 0.88], mobilisation 0.30 -> 0.59, publicity
    0.70 -> 0.92, advice 0.78 -> 0.90, parties 0.80 -> 0.91. It is no longer held out; the counts pin the
    measured coding (human, codebook, over, under) and the floors guard the level. The fifth revision (branch
    codebook5) made spring ploughing (春耕) economy: one paragraph more agrees, one more is over-coded (village
    cadres helping with 春耕生产, which the coders left to community): codebook 94 -> 96, over 13 -> 14,
    under 20 -> 19. The sixth revision (branch codebook6) codes consultation meetings (负责人作了互动交流, 等专题进行
    讨论) as advice, recovery news as economy, and keeps 驻华商务 from coding overseas: codebook 96 -> 97,
    over 14 -> 13, under 19 -> 17 (pooled 0.82 -> 0.84). The seventh revision (branch codebook7) keeps sentences
    naming a foreign country from coding advice (英国政府紧急情况科学咨询小组发出呼吁) and a foreign country's restart
    from coding economy (西班牙部分行业已开始复工): codebook 97 -> 95, over 13 -> 11. The eighth revision (branch
    codebook8) codes Party members sent down to the communities (党员干部下沉, 在职党员) as mobilisation: codebook
    95 -> 96, under 17 -> 16 (pooled 0.849 -> 0.856). The eleventh revision (reports/codebook11_errors.md) codes
    an autonomous region's anniversary and the central delegation greeting its peoples (中央代表团……各族各界干部群众)
    as ethnic affairs, as the coders of cctv5 and cctv9-cctv12 do; these coders left the delegation's Tibet visits
    uncoded: codebook 96 -> 98, over 11 -> 13 (religion 0.94 -> 0.83, pooled 0.856 -> 0.846)."""
    t = _agreement_of_a_cctv_set("cctv3", CCTV3, "CCTV fixture 3", capsys)
    # (revision 19's weak words: 2 wrong, the propaganda department's moral-models campaign
    # (评选一批事迹突出……的道德模范), publicity 0.92 -> 0.83, and a village lifting itself out of poverty)
    # (revision 22: one name is one kind in a list, so 工商联 beside 无党派代表人士 alone is no list: 加强工商联自身建设
    # codes economy, 1 wrong)
    assert t.loc["pooled", ["human", "codebook", "over", "under"]].tolist() == [101, 97, 14, 18]
    assert t.loc["pooled", "kappa"] >= 0.81 and t.loc["religion", "kappa"] >= 0.80
    assert t.loc["publicity", "kappa"] >= 0.80 and t.loc["parties", "kappa"] >= 0.90


CCTV4 = load_theme_labels("cctv4")


@pytest.mark.skipif(CCTV4 is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agreement_on_the_held_out_cctv4_fixture(capsys):
    """160 CCTV paragraphs of 2020-2022 drawn like cctv3 from items in no other fixture (110 naming united-front
    actors), the adjudicated consensus of two blind coders (who differed on 7 paragraphs), never looked at while
    the fourth revision was made. Measured once before it (0.63 [0.56, 0.72]) and once after: 0.65 [0.57, 0.73].
    The target of 0.80 on unseen news was NOT met: the codebook over-coded national news (48 cells over, 18 under:
    economy, livelihood, publicity and mobilisation on paragraphs the coders left without a theme). The fifth
    revision (branch codebook5) used it as development data, so it is held out no longer: guest lists and their
    honours titles, the federation beside the democratic parties, lists of topics and sectors, the subject of a
    leader's remarks, market confidence, visits to exhibitions, the poverty battle as an achievement and words
    inside names (台湾民主自治同盟, 伊斯兰堡, 咨商会) no longer code: 0.74 [0.65, 0.82] (over 48 -> 28, under 18 -> 16;
    mobilisation 0.53 -> 0.70, publicity 0.24 -> 0.39, economy 0.34 -> 0.49, livelihood 0.29 -> 0.43). The sixth
    revision (branch codebook6) added recovery news to economy: codebook 95 -> 96, under 16 -> 15 (economy 0.49 ->
    0.54, pooled 0.75). The seventh revision (branch codebook7) codes entry control (外防输入) as testing: codebook
    96 -> 98, under 15 -> 13 (testing 0.59 -> 0.83, pooled 0.76). The eighth revision (branch codebook8) makes
    决策部署 and 统一部署 weak words (a stock statement of following the Party codes only beside a concrete act):
    codebook 98 -> 97, over 28 -> 27 (mobilisation 0.70 -> 0.76, pooled 0.762 -> 0.767). The ninth revision
    (branch codebook9) codes community workers on epidemic duty (社区工作者): codebook 97 -> 98, under 13 -> 12
    (community -0.01 -> 0.49, pooled 0.767 -> 0.774). The thirteenth: the State Council's staff seconded (抽调)
    to hear deputies' opinions is no mobilisation: codebook 98 -> 97, over 27 -> 26; US care homes' deaths
    (纽约市一家养老院) code livelihood, which the coders did not: codebook 97 -> 98, over 26 -> 27; a bare 宣传 in
    passing is no publicity: codebook 98 -> 97, over 27 -> 26. The fourteenth: speaking at a meeting (在会上发言) and
    disinfection (消杀) as the only word code nothing: codebook 97 -> 95, over 26 -> 24."""
    t = _agreement_of_a_cctv_set("cctv4", CCTV4, "CCTV held-out fixture 4", capsys)
    # (revision 19's weak words: 2 cells right)
    # (revision 20: a ward (病房) in a report of US hospitals codes medical: 1 wrong)
    assert t.loc["pooled", ["human", "codebook", "over", "under"]].tolist() == [83, 94, 23, 12]
    assert t.loc["pooled", "kappa"] >= 0.73 and t.loc["parties", "kappa"] >= 0.90


CCTV5 = load_theme_labels("cctv5")


@pytest.mark.skipif(CCTV5 is None, reason="../shared/corpora is absent (a fresh clone has no ../shared)")
def test_codebook_agreement_on_the_held_out_cctv5_fixture(capsys):
    """200 CCTV paragraphs of 2020-2022 drawn like cctv4 (130 from items naming united-front actors, 70 on the
    epidemic) from items in no other fixture, the adjudicated consensus of two blind coders who saw only the
    definitions (they differed on 28 theme cells of 27 paragraphs), sampled before the fifth revision was merged
    and never looked at while it was made. Measured once with the fourth revision (0.62) and once with the fifth:
    0.63 [0.56, 0.70] (human 133 cells, codebook 117, over 36, under 52). The target of 0.80 on unseen news is NOT
    met, and the errors now go both ways: publicity over-coded (11 of 15), advice, economy and mobilisation
    under-coded (consultation meetings, recovery news and calls to carry out decisions worded without the
    keywords). The sixth revision (branch codebook6) used it as development data, so it is held out no longer:
    holiday galas, watching a show, 学习宣传和贯彻, cited reports and broadcast schedules are not publicity;
    consultation meetings as reported (互动交流, 专题讨论) are advice; recovery news (经济复苏, 返岗, 下行压力, 稳就业)
    is economy; 把思想和行动统一到 is mobilisation; 驻华商务 and branch venues are not overseas: 0.70 (codebook
    117 -> 118, over 36 -> 28, under 52 -> 43; publicity 0.33 -> 0.48, advice 0.64 -> 0.76, economy 0.62 -> 0.78,
    overseas 0.79 -> 0.84, mobilisation 0.57 -> 0.61). The seventh revision (branch codebook7): the loyalty slogans
    count as one weak word (a rocket launch's 增强“四个意识”、坚定“四个自信”、做到“两个维护” no longer codes
    mobilisation), 保持高度一致 is a weak word of it, 外防输入 is testing, foreign bodies' appeals and the plan's 建议
    are not advice: codebook 118, over 28 -> 26, under 43 -> 41 (mobilisation 0.61 -> 0.70, testing 0.28 -> 0.43, pooled
    0.72); one paragraph more is over-coded (testing: 外防输入 as the named strategy of border checks). The eighth
    revision (branch codebook8) makes 决策部署 and 统一部署 weak words: codebook 118 -> 117, over 26 -> 25
    (mobilisation 0.70 -> 0.73, pooled 0.718 -> 0.722). The tenth (branch codebook10): 生活保障 is livelihood
    (失业人员生活保障): codebook 117 -> 118, under 41 -> 40 (pooled 0.722 -> 0.727). The eleventh: clergy and
    religious bodies (班禅, 活佛, 天主教, 道教), the autonomous regions' anniversaries and Taiwan's parties (中国国民党)
    and the Straits Forum: codebook 118 -> 122, under 40 -> 36 (pooled 0.727 -> 0.747). The twelfth: the Party's
    briefing of non-party people (向党外人士通报) is parties: codebook 122 -> 124, under 36 -> 34 (pooled 0.747 ->
    0.757). The thirteenth: a sentence ending with the attendance (……有关企业负责人……参加会议。) lists guests:
    codebook 124 -> 123, over 25 -> 24; elderly care (养老服务) in a list of the economy's tasks codes livelihood,
    which the coders did not: codebook 123 -> 124, over 24 -> 25; a bare 宣传 in passing is no publicity (one
    cell right, one wrong): codebook 124 -> 122, over 25 -> 24, under 34 -> 35. The fourteenth: a door-to-door
    service (上门) as the only word is no community duty: codebook 122 -> 121, over 24 -> 23; publicity and
    education (宣传教育) as the only word codes nothing, one cell wrong: codebook 121 -> 120, under 35 -> 36. The
    seventeenth: the CPPCC's pairing 建言资政和凝聚共识 is advice, as coded: codebook 120 -> 121, under 36 -> 35. The
    eighteenth: the stock phrase 各党派团体和各族各界人士 reports no party's act: codebook 121 -> 120, over 23 -> 22."""
    t = _agreement_of_a_cctv_set("cctv5", CCTV5, "CCTV held-out fixture 5", capsys, n=200)
    # (revision 19's weak words: 4 cells right, 1 wrong)
    assert t.loc["pooled", ["human", "codebook", "over", "under"]].tolist() == [133, 115, 18, 36]
    assert t.loc["pooled", "kappa"] >= 0.69 and t.loc["overseas", "kappa"] >= 0.80


# The held-out CCTV sets from cctv6 on: 200 paragraphs each from items in no other fixture, coded blind by two coders
# who saw only the definitions and adjudicated by a third, each drawn while a codebook revision was made and never
# shown to its maker. How each was drawn, the coders' agreement and what each revision scored on it held out:
# tests/fixtures/README.md; what each later revision changed on it (it was development data then):
# reports/codebook7_errors.md to codebook11_errors.md. The target of 0.80 on unseen news is NOT met on any.
# Per set: the pooled cells of the current codebook (human, codebook, over, under), the pooled κ floor and the
# floors of the themes it codes best. "Revision 19's weak words" (here and in the tests above): the poverty
# campaign, poverty, daily necessities and relief (脱贫攻坚, 贫困, 生活物资, 救助) and the media and deeds (媒体, 事迹)
# named alone code only beside another word of their theme (reports/codebook19.md).
HELD_OUT_SETS = {
    # 2020-2022; coders K, L (κ 0.889); human cells by theme 3+2+2+18+18+7+9+10+21+2+9+8; held out 0.65 (revisions
    # 5 and 6), 0.66 with the world-economy formula
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 2 cells right)
    # (revision 18: medical institutions named (医疗机构) are a weak word: 1 cell right)
    # (revision 19's weak words: 1 wrong)
    # (revision 19's review: keeping residents supplied (生活物资保障) codes livelihood alone again: 1 cell right)
    # (revision 20: a nurses' team (护士团队) caring for patients: 1 cell right)
    "cctv6": ([109, 103, 22, 28], 0.65, {"advice": 0.80, "economy": 0.70}),
    # 2020-2022; coders M, N (κ 0.923); 2+1+3+20+21+3+6+3+21+7+14+9; held out 0.72 (revisions 6 and 7)
    # (revision 11: a speech on the CPPCC's year, 全国政协坚决贯彻落实……决策部署 with its epidemic work, codes
    # mobilisation; revision 12: the 三下乡 fair's free clinics, 义诊, code medical as the coders did)
    # (revision 13: a vice-chair's attendance, 高云龙出席座谈会。, is a guest, as the coders read it; revision 14: a
    # door-to-door call, 上门, as the only word is no community duty, as they read it)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 3 cells right)
    # (revision 15: a firm's production and difficulties, 询问企业生产还有哪些困难, are economy, as the coders read
    # them; a development zone's 发展历程 beside its firms and the 三下乡 fair's services, 提供……便民服务, are not, as
    # they read them: 1 cell right, 2 wrong)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 4 cells right)
    # (revision 17: the newscast's series announced by name, 《履职答卷一年间》系列报道, is no publicity: 1 cell right)
    # (revision 19's weak words: 5 cells right)
    # (revision 19's review: a poor household (贫困户) codes livelihood alone again: 1 wrong, a farmer's new income)
    "cctv7": ([110, 112, 21, 19], 0.70, {"overseas": 0.90, "advice": 0.85}),
    # 2020-2022; coders P, Q (κ 0.939); 9+6+4+19+20+9+7+15+27+3+9+10; held out 0.73 (revision 7), 0.74 (revision 8)
    # (revision 13: a vaccination drive's supervision, 督导, is no mobilisation, as the coders read it; revision 14:
    # party members donating in answer to the Party centre's call, 响应党中央号召, is mobilisation, as they read it,
    # and a door-to-door call, 上门, as the only word no community duty)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 1 cell right)
    # (revision 15: embassies' 春节包 of epidemic goods, 发放装有防疫物资的“春节包”，送上新春祝福, are a donation, as
    # the coders coded them: 1 cell right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 0 cells right, 1 wrong;
    # an exhibition of art works, 美术作品展, is publicity, as coded: 1 cell right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 1 cell right)
    # (revision 18: the stock phrase 各党派团体和各族各界人士 reports no party's act: 1 cell right)
    # (revision 19's weak words: 4 cells right, 2 wrong)
    # (revision 20: nurses (护士长) and a hospital's wards (病房) code medical, traffic checkpoints lifted
    # (交通检疫卡点) testing: 4 cells right)
    "cctv8": ([138, 136, 25, 27], 0.72, {"overseas": 0.85, "advice": 0.75}),
    # 2012-2022, both corpora; coders R, S (κ 0.911); 11+0+1+15+16+3+8+7+15+8+18+10; held out 0.68 (revisions 8, 9)
    # (revision 12: members answering the press, 回应媒体关切, are no publicity, as the coders read it; revision 13:
    # a bare 宣传 in passing is no publicity, one cell right and one wrong)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 6 cells right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 1 cell right)
    # (revision 19's weak words: 2 cells right)
    # (revision 20: a patient's ward (病房): 1 cell right)
    "cctv9": ([112, 105, 23, 30], 0.65, {"parties": 0.90, "advice": 0.75}),
    # 2012-2022; coders T, U (κ 0.927); 8+0+1+11+17+7+12+3+14+9+18+9; held out 0.70 (revisions 9 and 10)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 2 cells right)
    # (revision 15: a safety check, 排查安全隐患, is no epidemic screening, as the coders read it: 1 cell right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 2 cells right)
    # (revision 16: specialists sent to hold consultations in village clinics, 坐诊, are medical work, as coded: 1 cell
    # right)
    # (revision 16: Taiwan capital, 台资, in a party's proposal on investment codes overseas, which the coders did not:
    # 1 cell wrong)
    # (revision 18: solving problems (排忧解难) is a weak word of livelihood: 1 cell right)
    # (revision 19's weak words: 2 cells right, 1 wrong)
    "cctv10": ([109, 108, 26, 27], 0.66, {"parties": 0.85, "overseas": 0.80}),
    # 2012-2022; coders V, W (κ 0.908); 5+3+1+16+21+5+8+10+20+12+12+10; held out 0.62 (revision 10), 0.65 (revision
    # 11's religion words; its Taiwan words were then made on it)
    # (revision 12: the World Chinese Entrepreneurs Convention, 世界华商大会, is economy, as the coders coded it;
    # revision 13: members' views in their group discussion, 委员们认为, are advice, and help for small firms,
    # 帮扶中小微企业, no livelihood, the ministry's task team, 农资保供专班, no mobilisation, and elderly care,
    # 养老服务, livelihood, as coded; revision 14: a door-to-door call, 上门, as the only word is no community duty)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 1 cell wrong (医护人员 in a hospital's care))
    # (revision 15: a government report that lifts confidence, 提振信心, is no publicity work, as the coders read it:
    # 1 cell right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 1 cell right, 1 wrong)
    # (revision 16: a hotline for the disabled, 帮助残疾人, is livelihood (助残), as coded: 1 cell right)
    # (revision 17: Christianity at home, 中国基督教第十次代表会议, is religion: 1 cell right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 1 cell wrong)
    # (revision 19's weak words: 2 cells right)
    "cctv11": ([123, 104, 23, 42], 0.64, {"parties": 0.85, "overseas": 0.85, "religion": 0.80}),
    # 2012-2022; coders X, Y (κ 0.869); 4+0+1+12+16+6+4+8+25+7+12+4; held out 0.66 (revision 10), 0.67 (revision 11)
    # (revision 12: the press conference's answers to the media are no publicity, and the briefing of non-party
    # people, 向党外人士通报, is parties, as the coders read them; revision 13: the flood-control headquarters'
    # work plan, 安排部署防汛抗旱救灾工作, is no mobilisation, as the coders read it)
    # (revision 17: foreign media, 韩国媒体分析说, are no publicity work: 1 cell right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 1 cell right)
    # (revision 18: Taiwan firms and businesspeople (台企, 台商) are no economy: 1 cell wrong (a leader on
    # cross-strait economic cooperation))
    # (revision 19's weak words: 3 cells right)
    # (revision 21: the newly elected vice-chairs counted as ethnic-minority figures, 少数民族人士4名, are no ethnic
    # affairs: 1 cell right)
    "cctv12": ([99, 97, 27, 29], 0.65, {"parties": 0.85, "overseas": 0.85}),
    # 2012-2022; coders G1, G2 (κ 0.853); 3+2+0+20+15+4+2+14+17+7+7+6; held out 0.656 (revision 10), 0.660 (revision
    # 11 as finished); 0.663 once a review narrowed 天主教 to Chinese Catholic bodies (a foreign Catholic item,
    # -1 over); revision 13: members' views in discussion (政协委员在讨论中认为，要……) are advice, and two
    # inspections (督导组) and staff seconded by the State Council (抽调) no mobilisation, as coded; a bare 宣传
    # in passing no publicity
    # (revision 16: guests who watch a photo exhibition at a reception, 观赏了……图片展, see others' work, as coded:
    # 1 cell right)
    # (revision 17: a Christian leader, 中国基督教三自爱国运动委员会, is religion: 1 cell right)
    # (revision 18: isolation wards (隔离病房) are no isolation of people: 1 cell right)
    # (revision 19's weak words: 2 cells right, 1 wrong)
    # (revision 20: a front-line nurse (抗疫一线护士): 1 cell right)
    # (revision 21: a gala attended, 习近平等……来到晚会现场, is no publicity: 1 cell right)
    # (revision 21: the CPPCC committee on Hong Kong, Macao, Taiwan and overseas affairs named (港澳台侨委员会) is no
    # overseas work: 1 cell right, a list of committees)
    "cctv13": ([97, 89, 21, 29], 0.63, {"economy": 0.80, "overseas": 0.80}),
    # 2020-2022, the study's genre only (items naming 政协, 统战, 民主党派, 工商联 or 侨联; paragraphs no other
    # set used); coders H1, H2 (κ 0.886); 5+1+0+55+12+5+0+7+23+11+31+11; held out 0.74 [0.68, 0.80] (revision
    # 11; the issue's first rules 0.64); revision 12 (its 向党外人士通报 and 作了协商交流 read off this set): 0.754
    # (revision 13: a bare 宣传 in passing is no publicity: two cells right, one wrong)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 2 cells right)
    # (revision 15: help, 帮扶, as the only word codes no livelihood; the coders coded a village aided by another
    # province, 对口支援的尖扎县德吉村, as livelihood: 1 cell wrong)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 5 cells right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 1 cell right)
    # (revision 18: Taiwan firms (台企) are no economy and 排忧解难 is a weak word: 2 cells right)
    # (revision 19's weak words: 2 cells right)
    "cctv14": ([161, 129, 13, 45], 0.73, {"overseas": 0.90, "religion": 0.90, "advice": 0.75, "parties": 0.75}),
    # 2020-2022, the study's genre only, paragraphs no other set used (as cctv14); coders H1, H2 (κ 0.876, 39 cells
    # differing, adjudicated); 9+1+0+56+18+3+0+11+17+12+23+8; held out 0.822 [0.77, 0.87] (revision 13 at ec639d1;
    # revision 12 0.818; the issue's first rules 0.697)
    # (then development: elderly care, 老龄工作……养老服务, is livelihood, as coded)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 1 cell right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 2 cells right)
    # (revision 18: Taiwan firms (台企) are no economy: 1 cell right)
    # (revision 19's weak words: 1 cell right)
    # (revision 20: a medical team taking over a ward (重症病房): 1 cell right; 铸牢中华民族共同体意识 in a speech's
    # list of duties: 1 wrong)
    # (religion 0.847 with that wrong cell: its floor 0.85 -> 0.80)
    # (revision 21: a gala named alone is a weak word: 1 cell wrong, an opera gala that 唱响新时代爱国奋斗之歌)
    "cctv15": ([158, 151, 20, 27], 0.80, {"overseas": 0.85, "religion": 0.80, "parties": 0.85}),
    # 2020-2022, the study's genre only, paragraphs no other set used (as cctv14, cctv15); coders J1, J2 (κ 0.902, 30
    # cells differing, adjudicated); 18+1+0+49+18+3+1+16+20+12+14+9; held out 0.798 [0.75, 0.85] (revision 13 as
    # finished, b1f6742; revision 12 0.794; the issue's first rules 0.634)
    # (revision 14: 工作组, 在会上发言, 宣传教育, 消杀 and 医护人员 as the only word code nothing:
    # 3 cells right)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 1 cell right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 3 cells right, 1 wrong)
    # (revision 18: the stock phrase 各党派团体和各族各界人士 reports no party's act: 1 cell right)
    # (revision 19's weak words: 2 cells right)
    # (revision 21: the CPPCC committee on Hong Kong, Macao, Taiwan and overseas affairs named (港澳台侨委员会) is no
    # overseas work: 1 cell right, a new vice-chair's title)
    "cctv16": ([161, 136, 11, 36], 0.78, {"religion": 0.90, "parties": 0.85, "overseas": 0.85}),
    # 2020-2022, the study's genre only, paragraphs no other set used (as cctv14-16; 3,101 were used); coders C17a
    # (first row to last) and C17b (last to first; κ 0.887, 31 cells differing, mobilisation most), adjudicated;
    # 13+0+0+43+16+4+2+14+20+13+18+5; held out 0.733 [0.67, 0.79] (revision 15 as finished, 1ed7d4b; the issue's
    # first rules 0.624): mobilisation κ 0.29 (loyalty slogans of central meetings over, leaders urging members
    # under)
    # (revision 16: a bare 部署 and the slogan's 四个意识 are no weak words of mobilisation: 7 cells right)
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 3 cells right)
    # (revision 18: Taiwan firms (台企) are no economy: 1 cell wrong (a leader on cross-strait economic cooperation))
    # (revision 19's weak words: 2 cells right)
    "cctv17": ([148, 128, 20, 40], 0.72, {"advice": 0.85, "parties": 0.85, "overseas": 0.85, "religion": 0.80}),
    # 2020-2022, the study's genre only, paragraphs no other set used (as cctv14-17); coders C18a (first row to last)
    # and C18b (last to first; κ 0.896, 32 cells differing, mobilisation most), adjudicated (17 decided 1, 15 decided
    # 0); 25+0+0+47+16+3+2+16+21+13+16+7; held out 0.729 [0.67, 0.78] with revision 16 as finished (a6cd2f6) and with
    # revision 17's rules and review (no cell changed; the first rules 0.578): under-coded, mobilisation −15 and advice
    # −16 under; then development
    # (revision 17: the CPPCC's pairing 建言资政和凝聚共识 is advice, as thirteen sets coded it: 7 cells right)
    # (revision 18: the stock phrase 各党派团体和各族各界人士 reports no party's act: 1 cell right; isolation wards code
    # nothing only beside patients or their treatment in the sentence, so 他第一个进入隔离病房 stays coded, as the
    # coders did not: unchanged)
    # (revision 19's weak words: 2 cells right, 1 wrong)
    # (revision 20: 铸牢中华民族共同体意识 in a visit to Qinghai's Tibetan areas codes religion: 1 cell right)
    # (revision 21: a gala held, 新年戏曲晚会……举行, is no publicity: 1 cell right)
    "cctv18": ([166, 127, 12, 51], 0.72, {"overseas": 0.90, "religion": 0.80}),
    # 2020-2022, the study's genre only, paragraphs no other set used (as cctv14-18); coders C19a (first row to last)
    # and C19b (last to first; κ 0.874, 35 cells differing, mobilisation most), adjudicated (27 decided 1, 8 decided
    # 0); 26+2+0+40+17+2+0+13+16+15+18+8; held out 0.753 [0.69, 0.81] with revision 17 as finished (revision 16 alike;
    # the first rules 0.627): mobilisation −17 under
    # (revision 18: a weak word and the body that does it count as one word (调研, 调研组); 企业 and 企业家 stay two:
    # unchanged)
    # (revision 19's weak words: 2 cells right, 1 wrong)
    # (revision 21: the CPPCC committee on Hong Kong, Macao, Taiwan and overseas affairs named (港澳台侨委员会) is no
    # overseas work: 1 cell right, a list of committees reporting)
    "cctv19": ([157, 128, 18, 47], 0.74, {"advice": 0.85, "religion": 0.75, "overseas": 0.75}),
    # 2020-2022, the study's genre only, paragraphs no other set used, drawn from a new shuffle of the genre's items
    # (seed 20, so other items than cctv14-19's); coders C20a (first row to last) and C20b (last to first; κ 0.866,
    # 30 cells differing, economy 11), adjudicated (24 decided 1, 6 decided 0); 5+1+2+26+21+2+2+17+17+11+17+6; held
    # out 0.749 [0.70, 0.80] with revision 17 as finished (revision 16 alike; the first rules 0.735): economy −11
    # under (the federation named as one of the bodies acting), mobilisation +9 over
    # (revision 18: the stock phrase 各党派团体和各族各界人士 reports no party's act: 1 cell right)
    # (revision 19's weak words: 2 wrong)
    # (revision 20: 铸牢中华民族共同体意识: 1 cell right)
    # (revision 21: a gala attended, 来到晚会现场, is no publicity: 1 cell right)
    "cctv20": ([127, 127, 30, 30], 0.74, {"religion": 0.90, "overseas": 0.85}),
    # 2020-2022, the study's genre only, paragraphs no other set used, from another new shuffle of the genre's items
    # (seed 21); coders C21a (first row to last) and C21b (last to first; κ 0.813, 54 cells differing, economy 15),
    # adjudicated (29 decided 1, 25 decided 0); 16+1+0+43+15+3+1+10+28+13+17+9; held out 0.695 [0.63, 0.76] with
    # revision 17 as finished (e6ddbc8) and 0.690 [0.63, 0.75] with revision 18's rules (one cell lost: a leader on
    # cross-strait economic cooperation, after Taiwan firms stopped coding economy); the first rules 0.580:
    # mobilisation −10 and advice −10 under
    # (revision 19's weak words: 5 cells right, 3 wrong)
    # (revision 20: a consultation on 铸牢中华民族共同体意识: 1 cell right)
    "cctv21": ([156, 125, 25, 56], 0.68, {"overseas": 0.85, "advice": 0.70}),
    # 2020-2022, the study's genre only, paragraphs no other set used, from a third new shuffle of the genre's items
    # (seed 22); coders C22a (first row to last) and C22b (last to first; κ 0.851, 28 cells differing, advice 6),
    # adjudicated (21 decided 1, 7 decided 0); 6+0+0+20+12+4+1+13+20+8+12+9; held out 0.723 [0.65, 0.80] with
    # revision 18 as finished (1254d12; the first rules 0.700): parties −6 and advice −7 under
    # (revision 19's weak words: 3 cells right, 1 wrong; pooled 0.729, 0.736 with revision 20)
    # (revision 20: a hospital rebuilding its wards (病房): 1 cell right)
    # (revision 21: a gala rehearsed, 春节联欢晚会举行首次联排, is no publicity: 1 cell right)
    "cctv22": ([105, 87, 15, 33], 0.72, {"overseas": 0.90, "religion": 0.75}),
    # 2020-2022, the study's genre only, paragraphs no other set used, from a fourth new shuffle of the genre's items
    # (seed 23); coders C23a (first row to last) and C23b (last to first; κ 0.896, 23 cells differing, economy 7),
    # adjudicated (8 decided 1, 15 decided 0); 5+0+1+30+12+4+1+6+22+5+22+5; held out 0.769 [0.69, 0.83] with
    # revision 20 as reviewed (revision 19 alike, revision 18 0.759, the first rules 0.638): advice −8 and parties −7
    # under, mobilisation +5 over
    # (revision 21: the CPPCC committee on Hong Kong, Macao, Taiwan and overseas affairs named (港澳台侨委员会) is no
    # overseas work: 1 cell right, a title; 1 wrong, the committees' report on democratic
    # supervision); from revision 21 cctv23 is a development set: its disagreements were read this revision
    "cctv23": ([113, 93, 13, 33], 0.76, {"overseas": 0.85, "religion": 0.85, "advice": 0.80}),
}


@pytest.mark.parametrize("which", list(HELD_OUT_SETS))
def test_codebook_agreement_on_a_held_out_cctv_set(which, capsys):
    """The codebook against one held-out CCTV set: its pooled cells as pinned, its pooled κ and its best themes'
    κ at or above their floors."""
    labels = load_theme_labels(which)
    if labels is None:
        pytest.skip("../shared/corpora is absent (a fresh clone has no ../shared)")
    cells, pooled, themes = HELD_OUT_SETS[which]
    t = _agreement_of_a_cctv_set(which, labels, f"CCTV held-out fixture {which[4:]}", capsys, n=200)
    assert t.loc["pooled", ["human", "codebook", "over", "under"]].tolist() == cells
    assert t.loc["pooled", "kappa"] >= pooled
    for theme, floor in themes.items():
        assert t.loc[theme, "kappa"] >= floor, theme


def test_a_second_team_recoding_cctv10_agrees_with_the_first_as_coders_do():
    """cctv10b: the 200 paragraphs of cctv10 coded again, blind, by a second team (two coders and an adjudicator,
    the same instructions). The two consensus codings differ on 12 paragraph-theme cells: team 1 alone 2 (religion:
    a Xinjiang anniversary exhibition and a gift ceremony), team 2 alone 10; pooled κ 0.944, counted by hand from
    the two files before `intercoder_agreement` was run on them. It would catch misaligned fixtures (the same item
    ids and line numbers must name the same paragraphs) and a pooled κ that miscounts; the codebook agrees with
    either team at only 0.72 (reports/codebook11_errors.md)."""
    a, b = load_theme_labels("cctv10"), load_theme_labels("cctv10b")
    if a is None or b is None:
        pytest.skip("../shared/corpora is absent (a fresh clone has no ../shared)")
    t = intercoder_agreement(a, b, n_boot=0).set_index("theme")
    assert t.loc["pooled", ["n", "a", "b", "both", "only_a", "only_b"]].tolist() == [200, 109, 117, 107, 2, 10]
    assert t.loc["religion", ["only_a", "only_b"]].tolist() == [2, 0]
    assert round(t.loc["pooled", "kappa"], 3) == 0.944
