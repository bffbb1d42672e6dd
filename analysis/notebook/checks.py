"""Notebook 03's checks on the codebook: evidence paragraphs, agreement with human coders (the validation
workflow), NMF topics learnt from the data, and the co-occurrence network."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import save_table, tables_dir
from .common import Context, Shown, left_out

MAX_NMF_PARAGRAPHS = 20_000  # NMF on a fixed-seed sample beyond this
# words of the epidemic itself and administrative words left out of the seed study's network
SEED_NETWORK_DROP = ("疫情", "防控", "疫情防控", "防疫", "抗疫", "新冠肺炎", "发生", "第一时间", "广大", "全区", "市",
                     "区委", "市委", "各区", "单位", "要求", "安排", "累计", "发出", "村")


def evidence(ctx: Context, per_theme: int = 3) -> Shown:
    from ..themes import evidence_table

    table = evidence_table(ctx.coded, by="doc_id")
    return Shown(table=table.groupby("theme", sort=False).head(per_theme).assign(text=lambda d: d["text"].str[:110]))


def read_labels(path: Path | str, paras: pd.DataFrame) -> pd.DataFrame:
    """Human labels from a study's `labels` file: a coding sheet (one 0/1 column per theme, as `coding_sheet`
    writes it) or a list (doc_id, para_no, themes separated by ';')."""
    from ..agreement import _split_themes
    from ..validation import read_coding_sheet

    head = pd.read_csv(path, nrows=0) if str(path).lower().endswith(".csv") else None
    if head is not None and "themes" in head.columns:
        labels = pd.read_csv(path, dtype=str, keep_default_na=False)
        labels["para_no"] = labels["para_no"].astype(int)
        labels["themes"] = labels["themes"].map(_split_themes)
        return labels.merge(paras[["doc_id", "para_no", "text"]], on=["doc_id", "para_no"], how="inner")
    return read_coding_sheet(path, paras=paras)


AGREEMENT_COLUMNS = ["n", "human", "codebook", "over", "under", "kappa", "kappa_lo", "kappa_hi", "precision", "recall"]


def trust(ctx: Context) -> Shown:
    """How far to trust the codes: with the study's labels, agreement with intervals and the disagreements (table
    codebook_agreement); without, a blind coding sheet to fill in."""
    from ..validation import codebook_agreement, coding_sheet, disagreements

    study = ctx.study
    if study.labels is None:
        left_out("", tables=["codebook_agreement"])
        path = tables_dir().parent / "coding" / "coding_sheet.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        coding_sheet(ctx.coded, n=100, corpus=ctx.corpus, path=path, codebook=ctx.codebook)
        return Shown(f"The study has no human labels yet. A blind coding sheet of 100 paragraphs (stratified so that "
                     f"rare themes get positives, no machine codes) is written to `{path}`. Give it to a coder with "
                     "the definitions (second file beside it), mark 1 in each theme column that applies, save it, and "
                     "name it as `labels` in the study file; this section then reports agreement with intervals.")
    labels = read_labels(study.labels, ctx.coded)
    if labels.empty:
        return left_out(f"The labels in `{study.labels}` name none of this corpus's paragraphs: no agreement to "
                        "measure.", tables=["codebook_agreement"])
    coded = ctx.coded.merge(labels[["doc_id", "para_no"]], on=["doc_id", "para_no"])
    agreement = codebook_agreement(coded, labels, ctx.codebook)
    cols = [c for c in AGREEMENT_COLUMNS if c in agreement.columns]
    save_table(agreement[["theme"] + cols], "codebook_agreement",
               "Agreement of the codebook with the study's human coding: per theme and pooled, paragraphs, coded by "
               "the human / the codebook, over- and under-coded, Cohen's kappa with a 95% interval resampling "
               "articles, precision and recall.", {"theme": "theme id, or pooled (all paragraph x theme cells)"})
    pooled = agreement.set_index("theme").loc["pooled"]
    text = (f"Against the human coding of {len(labels):,} paragraphs (`{Path(study.labels).name}`), the codebook's "
            f"pooled Cohen's κ is {pooled['kappa']:.2f} "
            f"(95% interval {pooled['kappa_lo']:.2f}–{pooled['kappa_hi']:.2f}, "
            "articles resampled). Below: agreement per theme, then the paragraphs where codebook and coder differ "
            "(`disagreements`; `suggest_rules` proposes keywords to review).")
    return Shown(text, agreement.set_index("theme")[cols].round(2),
                 data={"disagreements": disagreements(coded, labels, ctx.codebook)})


def topics(ctx: Context) -> Shown:
    """NMF topics on paragraph tf-idf (a fixed-seed sample beyond MAX_NMF_PARAGRAPHS)."""
    from ..topics import nmf_topics

    paras = ctx.paras
    sample = paras.sample(MAX_NMF_PARAGRAPHS, random_state=0).sort_index() if len(paras) > MAX_NMF_PARAGRAPHS else paras
    n_topics = min(12, max(2, len(sample) // 10))
    m = ctx.matrix  # the sample's rows of the kernel's term matrix, without the genre words: ctx.tokens counted
    counts = m.counts[sample.index.to_numpy()][:, np.flatnonzero(~m.is_genre)]
    found, weights = nmf_topics(sample, n_topics=n_topics, counts=(counts, m.terms[~m.is_genre]))
    text = f"NMF on a sample of {len(sample):,} of {len(paras):,} paragraphs." if len(sample) < len(paras) else ""
    return Shown(text, found, data={"topics": found, "weights": weights, "sample": sample})


def topic_alignment(ctx: Context, topics_shown: Shown) -> Shown:
    """Each topic's best-matching theme (table topic_alignment), figure 03_nmf_vs_codebook, and a sentence."""
    from ..plots import plot_topic_theme, save_figure
    from ..topics import topic_alignment as align
    from ..topics import topic_theme_table

    found, weights, sample = (topics_shown.data[k] for k in ("topics", "weights", "sample"))
    coded_s = ctx.coded.loc[sample.index]
    alignment = align(coded_s, found, weights)
    main = weights.groupby(coded_s["doc_id"]).sum().idxmax()
    alignment["main_article"] = alignment["topic"].map(main).map(ctx.label_of)
    alignment = alignment.drop(columns=["main_doc"])
    save_table(alignment, "topic_alignment", "Each NMF topic and the codebook theme it matches best.",
               {"topic": "topic id", "top_words": "strongest words", "best_theme": "best-matching theme (label)",
                "r": "correlation of topic weight and theme coding",
                "lift": "mean weight in the theme's paragraphs / overall", "runner_up": "second-best theme",
                "r_runner_up": "its r", "doc_share": "share of the topic's weight in one article",
                "main_article": "that article's label"})
    fig = plot_topic_theme(topic_theme_table(coded_s, weights), found)
    save_figure(fig, "03_nmf_vs_codebook")
    matched = alignment[alignment["r"] >= 0.3]
    voice = alignment[(alignment["r"] < 0.3) & (alignment["doc_share"] >= 0.75)]
    text = (f"{len(matched)} of {len(alignment)} topics match a theme at r ≥ 0.3 "
            f"({', '.join(sorted(set(matched['best_theme']))) or 'none'}); {len(voice)} are mostly one article's "
            "vocabulary (≥ 75% of the topic's weight in one article), the voice of a speaker rather than an activity, "
            "which the codebook deliberately does not code.")
    return Shown(text, alignment, figure=fig)


def network(ctx: Context, n_terms: int = 35, widespread: float = 0.4) -> Shown:
    """Figure 03_term_network: co-occurrence of the most widespread terms, minus the study's generic words."""
    from ..plots import plot_term_network, save_figure
    from ..topics import network_graph, network_terms

    m = ctx.matrix  # what term_network(ctx.paras, tokens=ctx.tokens, ...) counts, from the kernel's term matrix
    used = ~m.is_genre & (m.docs > 0)
    docs = pd.Series(m.docs[used], index=pd.Index(m.terms[used], dtype=object)).sort_index()  # ties by term
    common = tuple(docs[docs > widespread * len(ctx.paras)].sort_values(ascending=False, kind="stable").index)
    drop = (SEED_NETWORK_DROP if ctx.study.is_default else ()) + common
    terms = network_terms(docs[~docs.index.isin(drop)], n_terms)
    G = network_graph(terms, ctx.paragraphs_with_both(terms), min_jaccard=0.25, max_degree=3)
    if G.number_of_nodes() == 0:
        return left_out("No pair of widespread terms overlaps enough to draw a network.", figures=["03_term_network"])
    fig = plot_term_network(G, title=f"Co-occurrence of the {n_terms} most widespread terms (paragraphs; edge ∝ "
                                     "Jaccard ≥ 0.25)")
    save_figure(fig, "03_term_network")
    left = f" Left out: {'、'.join(drop)}." if drop else ""
    return Shown(f"{G.number_of_nodes()} terms, {G.number_of_edges()} links.{left}", figure=fig)
