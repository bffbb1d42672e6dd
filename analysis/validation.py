"""How far to trust the codes: the codebook against people, as oolong (R) checks a dictionary against a
gold standard, with intervals and diagnostics.

    sheet = coding_sheet(coded, n=100, corpus=corpus, path="coding/sheet.csv")   # blind sheet to code
    labels = read_coding_sheet("coding/sheet.csv", paras=coded)                  # the coder's 0/1 cells
    codebook_agreement(coded, labels)       # kappa per theme with an interval, precision, recall
    intercoder_agreement("coding/a.csv", "coding/b.csv")   # two coders against each other
    disagreements(coded, labels)            # every paragraph x theme where codebook and coder differ
    suggest_rules(coded, labels)            # candidate keywords / exclude words (advisory, never applied)

Intervals resample articles, not paragraphs: paragraphs of one article are not independent.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .agreement import _split_themes
from .codebook import CODING_KEYS, _codebook
from .sheets import coding_sheet, read_coding_sheet
from .themes import theme_ids, theme_matches

__all__ = ["coding_sheet", "read_coding_sheet", "codebook_agreement", "intercoder_agreement", "disagreements",
           "suggest_rules"]
_KEY = ["doc_id", "para_no"]


# ---------------------------------------------------------------- kappa with article-bootstrap intervals


def _kappa(tp, fp, fn, tn):
    """Cohen's kappa of a 2x2 table (arrays of counts; NaN where chance agreement is 1)."""
    tp, fp, fn, tn = (np.asarray(x, dtype=float) for x in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(invalid="ignore", divide="ignore"):
        po = (tp + tn) / n
        pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
        k = (po - pe) / (1 - pe)
    return np.where(np.isclose(pe, 1), np.nan, k)


def _kappa_table(a: np.ndarray, b: np.ndarray, docs, names: list[str], level: float, n_boot: int,
                 seed: int) -> pd.DataFrame:
    """Per column of the bool matrices `a` (reference) and `b` (rater), then pooled over all cells:
    n, a, b, both, only_a, only_b, kappa, kappa_lo, kappa_hi. The interval is the percentile interval of
    kappa over `n_boot` resamples of the articles `docs` (with replacement); resamples in which kappa is
    undefined (one class only) are left out."""
    a, b = np.asarray(a, bool).reshape(len(docs), -1), np.asarray(b, bool).reshape(len(docs), -1)
    cells = [a & b, ~a & b, a & ~b, ~a & ~b]  # tp, fp (b only), fn (a only), tn
    codes, uniq = pd.factorize(pd.Series(docs, dtype=object), sort=True)
    per_doc = np.zeros((4, len(uniq), a.shape[1] + 1))
    for c, m in enumerate(cells):
        np.add.at(per_doc[c, :, :-1], codes, m.astype(float))
    per_doc[:, :, -1] = per_doc[:, :, :-1].sum(axis=2)  # pooled: every paragraph x theme cell
    total = per_doc.sum(axis=1)
    point = _kappa(*total)
    point = np.where((total[1] + total[2] == 0) & (total[0] > 0), 1.0, point)  # perfect agreement on a theme
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(uniq), np.full(len(uniq), 1 / len(uniq)), size=n_boot) if len(uniq) else \
        np.zeros((n_boot, 0))
    boot = _kappa(*(weights @ per_doc[c] for c in range(4)))
    boot = np.where((weights @ per_doc[1] + weights @ per_doc[2] == 0) & (weights @ per_doc[0] > 0), 1.0, boot)
    alpha = (1 - level) / 2
    lo, hi = np.full(len(point), np.nan), np.full(len(point), np.nan)
    ok = ~np.isnan(boot).all(axis=0)
    if ok.any():
        lo[ok], hi[ok] = np.nanquantile(boot[:, ok], [alpha, 1 - alpha], axis=0)
    return pd.DataFrame({
        "theme": names + ["pooled"], "n": len(a), "a": total[0] + total[2], "b": total[0] + total[1],
        "both": total[0], "only_a": total[2], "only_b": total[1], "kappa": point, "kappa_lo": lo, "kappa_hi": hi,
    }).astype({c: int for c in ("a", "b", "both", "only_a", "only_b")})


def _theme_matrix(themes: pd.Series, ids: list[str], where: str) -> np.ndarray:
    sets = themes.map(_split_themes)
    unknown = sorted({t for ts in sets for t in ts} - set(ids))
    if unknown:
        raise ValueError(f"{where} use theme ids not in the codebook: {unknown} (known: {ids})")
    return np.array([[t in ts for t in ids] for ts in sets], dtype=bool).reshape(len(sets), len(ids))


def _paired(coded: pd.DataFrame, labels: pd.DataFrame, codebook) -> tuple[pd.DataFrame, list, np.ndarray, np.ndarray]:
    """The labelled paragraphs with their codes: (merged rows, theme ids, human matrix, codebook matrix)."""
    ids = theme_ids(coded, _codebook(codebook))
    lab = labels[_KEY + (["note"] if "note" in labels else [])].copy()
    lab["_themes"] = labels["themes"].to_numpy()
    cols = _KEY + ids + [c for c in ("text",) if c in coded.columns and c not in lab.columns]
    merged = lab.merge(coded[cols], on=_KEY, how="left", validate="1:1")
    if merged[ids].isna().any().any():
        missing = merged.loc[merged[ids].isna().any(axis=1), _KEY].values.tolist()
        raise ValueError(f"labelled paragraphs not in `coded` (doc_id, para_no): {missing[:10]}")
    human = _theme_matrix(merged["_themes"], ids, "labels")
    return merged, ids, human, merged[ids].astype(bool).to_numpy()


def codebook_agreement(coded: pd.DataFrame, labels: pd.DataFrame, codebook=None, *, level: float = 0.95,
                       n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Agreement of the codebook's coding with human labels, per theme and pooled (Cohen's kappa).

    `coded`: code_paragraphs output; `labels`: doc_id, para_no, themes (tuple or "a;b" string), e.g.
    load_theme_labels("seed") or read_coding_sheet(...). Paragraphs are paired on (doc_id, para_no); only
    labelled paragraphs count. One row per theme, then "pooled" (all paragraph x theme cells together):
    n (paragraphs), human (paragraphs the coders gave the theme), codebook, both, over (codebook yes,
    human no), under (codebook no, human yes), kappa (as sklearn.metrics.cohen_kappa_score; 1 when both
    sides agree on every cell, NaN when neither ever gives the theme), kappa_lo / kappa_hi (the `level`
    percentile interval over `n_boot` resamples of the articles), precision (both / codebook) and recall
    (both / human).
    """
    merged, ids, human, machine = _paired(coded, labels, codebook)
    t = _kappa_table(human, machine, merged["doc_id"].to_numpy(), ids, level, n_boot, seed)
    t = t.rename(columns={"a": "human", "b": "codebook", "only_a": "under", "only_b": "over"})
    with np.errstate(invalid="ignore", divide="ignore"):
        t["precision"] = t["both"] / t["codebook"].where(t["codebook"] > 0)
        t["recall"] = t["both"] / t["human"].where(t["human"] > 0)
    return t[["theme", "n", "human", "codebook", "both", "over", "under", "kappa", "kappa_lo", "kappa_hi",
              "precision", "recall"]]


def intercoder_agreement(sheet_a, sheet_b, codebook=None, *, paras: pd.DataFrame | None = None,
                         level: float = 0.95, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Cohen's kappa between two coders, per theme and pooled, with article-bootstrap intervals.

    `sheet_a`, `sheet_b`: coded sheets (paths read with read_coding_sheet, checked against `paras` when
    given) or label tables (doc_id, para_no, themes). Only paragraphs both coded count. Columns: theme, n,
    a, b (paragraphs each coder gave the theme), both, only_a, only_b, kappa, kappa_lo, kappa_hi.
    """
    cb = _codebook(codebook)
    ids = list(cb["id"])
    a, b = (read_coding_sheet(s, paras=paras, codebook=cb) if isinstance(s, (str, Path)) else s
            for s in (sheet_a, sheet_b))
    both = a[_KEY + ["themes"]].merge(b[_KEY + ["themes"]], on=_KEY, suffixes=("_a", "_b"), validate="1:1")
    if both.empty:
        raise ValueError("the two sheets have no paragraph (doc_id, para_no) in common")
    ma = _theme_matrix(both["themes_a"], ids, "sheet a")
    mb = _theme_matrix(both["themes_b"], ids, "sheet b")
    return _kappa_table(ma, mb, both["doc_id"].to_numpy(), ids, level, n_boot, seed)


# ---------------------------------------------------------------- where and why they differ


def _theme_words(cb: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    return {r["id"]: sum((tuple(r.get(k, ()) or ()) for k in CODING_KEYS), ()) for r in cb.to_dict("records")}


def _closest(words: tuple[str, ...], text: str, top: int = 3) -> tuple[str, str]:
    """The theme's words nearest the text: a word found in it (a rule kept it from counting) scores 1, any
    other the share of its character bigrams (characters, for a one-character word) found in the text.
    Returns ("word score, ...", the sentence holding the best word found in the text, or "")."""
    from .themes import split_sentences

    flat = "".join(text.split())
    scored = []
    for w in words:
        parts = [w[i:i + 2] for i in range(len(w) - 1)] or [w]
        score = 1.0 if w in flat else sum(p in flat for p in parts) / len(parts)
        if score >= 0.5:
            scored.append((-score, -len(w), w))
    scored.sort()
    best = [(w, -s) for s, _, w in scored[:top]]
    found = next((w for w, s in best if s == 1.0), None)
    sentence = next((s for s in split_sentences(text) if found and found in "".join(s.split())), "")
    return ", ".join(f"{w} {s:.2f}" for w, s in best), sentence


def disagreements(coded: pd.DataFrame, labels: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Every labelled paragraph x theme where the codebook and the coder differ, one row each.

    Columns: doc_id, para_no, theme, kind, words, sentence, note, text. kind "over": the codebook gives the
    theme, the coder does not; `words` are the keywords that coded it and `sentence` the sentence(s) they
    are in (theme_matches). kind "under": the coder gives the theme, the codebook does not; `words` are the
    theme's closest words with a score (1 = in the text but kept out by a rule: formula, list, require,
    exclude, weak or contextual; below 1 = share of the word's character pairs in the text) and `sentence` the
    sentence holding a word of score 1. `note` is the coder's note, if the labels have one.
    """
    cb = _codebook(codebook)
    merged, ids, human, machine = _paired(coded, labels, cb)
    if "text" not in merged.columns:
        raise ValueError("`coded` needs its `text` column to show the disagreements")
    words = _theme_words(cb)
    over_rows = np.flatnonzero((machine & ~human).any(axis=1))
    matches = theme_matches(merged.iloc[over_rows][_KEY + ["text"]].reset_index(drop=True), cb)
    evidence = matches.groupby(["doc_id", "para_no", "theme"], observed=True).agg(
        words=("keyword", lambda k: ", ".join(dict.fromkeys(k))),
        sentence=("sentence", lambda s: " … ".join(dict.fromkeys(s))))
    rows = []
    for i, j in zip(*np.nonzero(machine != human)):
        r = merged.iloc[i]
        if machine[i, j]:
            ev = evidence.loc[(r["doc_id"], r["para_no"], ids[j])]
            found, sentence = ev["words"], ev["sentence"]
        else:
            found, sentence = _closest(words[ids[j]], r["text"])
        rows.append({"doc_id": r["doc_id"], "para_no": r["para_no"], "theme": ids[j],
                     "kind": "over" if machine[i, j] else "under", "words": found, "sentence": sentence,
                     "note": r.get("note", ""), "text": r["text"]})
    return pd.DataFrame(rows, columns=["doc_id", "para_no", "theme", "kind", "words", "sentence", "note", "text"])


def suggest_rules(coded: pd.DataFrame, labels: pd.DataFrame, codebook=None, *, top: int = 10,
                  min_count: int = 2) -> pd.DataFrame:
    """Candidate codebook edits from the disagreements (advisory: nothing is applied; read the
    paragraphs before adding a word, a word fitted to a few paragraphs rarely generalises).

    kind "keyword": terms typical of the paragraphs the codebook missed (coder yes, codebook no) against
    the paragraphs both left uncoded, by keyness (analysis.keyness, G2). kind "exclude": terms typical of
    the sentences that over-coded the theme (codebook yes, coder no) against the sentences that coded it
    rightly. Columns: theme, kind, term, n_target, n_reference, G2, p, paragraphs (target paragraphs
    holding the term); at most `top` terms per theme and kind, each in >= `min_count` target paragraphs
    and not already a word of the theme.
    """
    from .terms import keyness

    cb = _codebook(codebook)
    merged, ids, human, machine = _paired(coded, labels, cb)
    words = _theme_words(cb)
    ok = machine & human
    over_rows = np.flatnonzero((machine & ~human).any(axis=1) | ok.any(axis=1))
    sentences = theme_matches(merged.iloc[over_rows][_KEY + ["text"]].reset_index(drop=True), cb)
    sentences = sentences.drop_duplicates(["doc_id", "para_no", "theme", "sentence_no"])
    rows = []
    for j, tid in enumerate(ids):
        missed, clean = human[:, j] & ~machine[:, j], ~human[:, j] & ~machine[:, j]
        parts = {"keyword": (merged.loc[missed, _KEY + ["text"]], merged.loc[clean, _KEY + ["text"]])}
        s = sentences[sentences["theme"] == tid].merge(
            pd.DataFrame({"doc_id": merged["doc_id"], "para_no": merged["para_no"],
                          "_over": machine[:, j] & ~human[:, j]}),
            on=_KEY)
        s = s.rename(columns={"sentence": "text"})[_KEY + ["text", "_over"]]
        parts["exclude"] = (s[s["_over"]], s[~s["_over"]])
        for kind, (target, reference) in parts.items():
            if target.empty or reference.empty:
                continue
            data = pd.concat([target.assign(_group="target"), reference.assign(_group="reference")])
            key = keyness(data, "target", by="_group", text_col="text", min_chars=2)
            key = key[(key["G2"] > 0) & ~key["term"].isin(words[tid])]
            joined = target.groupby(_KEY)["text"].agg("".join)  # a paragraph's (triggering) text
            key["paragraphs"] = [int(joined.str.contains(t, regex=False).sum()) for t in key["term"]]
            key = key[key["paragraphs"] >= min_count].head(top)
            rows.append(key.assign(theme=tid, kind=kind))
    cols = ["theme", "kind", "term", "n_target", "n_reference", "G2", "p", "paragraphs"]
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)
