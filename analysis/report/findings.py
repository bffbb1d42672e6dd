"""The report's summary and findings (section 4): the sentences written from the notebooks' tables."""
from __future__ import annotations

from ..notebook.common import single_article
from .document import Block, Report, pct, plural


def period_changes(rep: Report) -> tuple[list, list, str]:
    """Themes that rise and fall between the first and last period where the difference's interval excludes 0
    (from table theme_period_difference, notebook 03), largest first, and a sentence naming them — or saying
    that these articles show no difference."""
    diff = rep.tab("theme_period_difference")
    if diff is None or diff.empty:
        return [], [], ""
    a, b = diff["a"].iloc[0], diff["b"].iloc[0]
    up = diff[diff["lo"] > 0].sort_values("diff", ascending=False, kind="mergesort")
    down = diff[diff["hi"] < 0].sort_values("diff", kind="mergesort")

    def name(r):
        return (f"{rep.th(r.theme)} ({pct(r.share_a)} → {pct(r.share_b)}, "
                f"95% interval of the change {r.lo:+.0%} to {r.hi:+.0%})")

    n = int(diff["n_articles_a"].iloc[0] + diff["n_articles_b"].iloc[0])
    single = single_article({a: diff["n_articles_a"].iloc[0], b: diff["n_articles_b"].iloc[0]})
    if single:
        return [], [], f"Between {a} and {b} no change is named: {single}, so the change has no interval."
    if up.empty and down.empty:
        return [], [], (f"Between {a} and {b} these {n:,} articles show no difference in any theme's share that the "
                        "intervals support (every interval of the change includes zero).")
    parts = []
    if len(up):
        parts.append("rise: " + "; ".join(name(r) for r in up.head(3).itertuples()))
    if len(down):
        parts.append("fall: " + "; ".join(name(r) for r in down.head(3).itertuples()))
    return list(up["theme"]), list(down["theme"]), (
        f"Between {a} and {b}, the themes whose share changes beyond chance (article-level bootstrap) "
        + " and ".join(parts) + ".")


def summary(rep: Report) -> Block:
    summ, freq = rep.summary_table, rep.tab("terms_corpus")
    corpus = rep.corpus
    t1 = summ.iloc[0]
    second = f" and {rep.th(summ.iloc[1]['theme'])} ({pct(summ.iloc[1]['share'])})" if len(summ) > 1 else ""
    dated = corpus["date"].dropna()
    span = f" ({dated.min():%B %Y} to {dated.max():%B %Y})" if len(dated) else ""
    text = (f"This report reads **{rep.n_docs:,} Chinese news articles**{span}. Coding all **{rep.n_paras:,} "
            f"paragraphs** with an explicit codebook of {len(rep.ctx.codebook)} themes, the most frequent claims are "
            f"{rep.th(t1['theme'])} ({pct(t1['share'])} of paragraphs){second}; the most frequent term is "
            f"{rep.g(freq['term'].iloc[0])}.")
    changes = period_changes(rep)[2]
    if changes:
        text += "\n\n" + changes
    if len(rep.coincide):
        text += (f" Read such contrasts with care: in this corpus {len(rep.coincide)} groups coincide with a single "
                 "group of another kind (section 2), so their differences cannot be given to one cause.")
    text += (f" Read the findings as a description of these {rep.n_docs:,} texts"
             + (" and as hypotheses for a larger corpus, not as trends." if rep.n_docs < 100 else "."))
    return Block([text])


def vocabulary(rep: Report) -> Block:
    """4.1: the most frequent terms, and what the genre words would have done."""
    from ..segment import load_stopwords

    freq, freq_genre = rep.tab("terms_corpus"), rep.tab("terms_corpus_genre")
    first_genre = freq_genre[freq_genre["term"].isin(load_stopwords(genre=True))]
    top = freq.head(8)
    text = (f"Once genre words are removed, the most frequent terms are "
            f"{', '.join(f'{rep.g(t)} ({c:,})' for t, c in zip(top['term'], top['count']))}. "
            f"{rep.g(top['term'].iloc[0])} alone is {top['per_1k'].iloc[0]:.0f} of every 1,000 tokens.")
    if len(first_genre):
        fg = first_genre.iloc[0]
        text += (f" Had genre words been kept, {rep.g(fg['term'])} would rank {fg['rank']} with {fg['count']:,} "
                 "occurrences: the register of official reporting weighs on raw counts, which is why the project lists "
                 "those words separately.")
    return Block([text]) + rep.figure(
        "02_top_terms_corpus", f"The most frequent terms of the {rep.n_docs:,} articles, with the genre words of "
        "official prose kept (left) and dropped (right, the project default).")


def themes_by_group(rep: Report) -> Block:
    """4.2: the themes ranked, the frame of the reporting, and what each group puts forward."""
    by_group, summ = rep.tab("themes_by_group"), rep.summary_table
    ranked = ", ".join(f"{rep.th(t)} {pct(s)}" for t, s in zip(summ["theme"], summ["share"]))
    if by_group is None:
        return Block([f"The codebook's themes, ranked by the share of paragraphs that carry them: {ranked}. The corpus "
                      "has no groups (articles, provinces, organisations or sources) to compare by theme."])
    sh = by_group.pivot(index="theme", columns="group", values="share")
    order = list(dict.fromkeys(by_group["group"]))
    overall = summ.set_index("theme")["share"]
    lead, excess = sh.idxmax(), sh.sub(overall, axis=0).idxmax()
    frame = [t for t in sh.index if (sh.loc[t] >= 0.5).sum() >= max(2, len(order) // 2)]
    rows = "\n".join(
        f"- **{d}**: mostly {rep.th(lead[d])} ({pct(sh.at[lead[d], d])} of its paragraphs); "
        + ("this is also its most distinctive theme." if excess[d] == lead[d] else
           f"most above the corpus average in {rep.th(excess[d])} ({pct(sh.at[excess[d], d])} vs "
           f"{pct(overall[excess[d]])}).") for d in order[:12])
    what = "article" if rep.ctx.few else by_group["by"].iloc[0]
    frame_text = (f"{' and '.join(rep.th(t) for t in frame)} carr{'ies' if len(frame) == 1 else 'y'} at least half of "
                  f"the paragraphs in most {what}s: the frame of the reporting. " if frame else "")
    text = (f"The codebook's themes, ranked by the share of paragraphs that carry them: {ranked}.\n\n{frame_text}"
            f"By {what}, the work each puts forward:\n\n{rows}")
    return Block([text]) + rep.figure(
        "03_themes_by_group", f"Share of each {what}'s paragraphs carrying each theme (k/n: paragraphs with the "
        f"theme / paragraphs of the {what}, n also after each label; a blank cell: none; a dotted cell: its 95% "
        "interval is wide or its n small). A paragraph can carry several themes.")


def amounts(rep: Report) -> Block:
    """4.3: money figures place by place."""
    within, money = rep.tab("places_within_articles"), rep.tab("amounts_by_place")
    if within is None:
        return Block(["No article in this corpus runs through places section by section or clause by clause, so "
                      "there are no amounts or themes to compare below article level."])
    docs = list(dict.fromkeys(within["label"]))
    lines = [f"{plural(len(docs), 'article')} run through places below article level: "
             + "; ".join(f"{d} ({within[within['label'] == d]['place'].nunique()} places, by "
                         f"{within[within['label'] == d]['basis'].mode().iloc[0]})" for d in docs[:8]) + "."]
    if money is None:
        lines.append("None of them gives money figures place by place.")
        return Block(["\n\n".join(lines)])
    for d, m in money.groupby("label", sort=False):
        places = within[within["label"] == d]["place"].tolist()
        silent = [p for p in places if p not in set(m["place"])]
        hi, lo = m.sort_values("amount_yuan").iloc[-1], m.sort_values("amount_yuan").iloc[0]
        lines.append(
            f"**{d}.** Of its {len(places)} places, {len(places) - len(silent)} give at least one money figure — "
            f"{len(m)} figures in all — and {len(silent)} describe work without one"
            + (f" ({'、'.join(silent[:16])})" if silent else "") + f". Figures range from {lo['span']} ({lo['place']}, "
            f"{lo['amount_yuan']:,.0f} yuan) to {hi['span']} ({hi['place']}, {hi['amount_yuan']:,.0f} yuan); "
            f"{(m['bound_kind'] == 'at_least').sum()} are \"more than\" (余/多/超), "
            f"{(m['bound_kind'] == 'at_most').sum()} \"nearly\" (近).")
    lines.append("The figures are self-reported, cumulative and mix cash, goods valued in yuan and earmarked funds; "
                 "within a place they can overlap. They are shown, not added: they measure what each place chose to "
                 "report.")
    return Block(["\n\n".join(lines)]) + rep.figure(
        "04_amounts_by_place", "Each money figure of the place-by-place sections or clauses, labelled as written "
        "(log scale). Places without a figure are shown as such, not as zero.", width=760)


def places_within(rep: Report) -> Block:
    """4.4: themes of the places within an article."""
    themes_within, within = rep.tab("themes_within_articles"), rep.tab("places_within_articles")
    if themes_within is None or within is None:
        return Block(["No article has places below article level with at least three units each (see §4.3)."])
    lines = []
    for d, part in themes_within.groupby("label", sort=False):
        sh = part.pivot(index="theme", columns="place", values="share")
        everywhere = [t for t in sh.index if (sh.loc[t] > 0).all()]
        peak_theme, peak_place = sh.stack().idxmax()
        size = within[within["label"] == d].set_index("place")["n_chars"]
        size = size[size.index.isin(sh.columns)]  # the places compared (notebook 04 leaves out those with few units)
        lines.append(f"- **{d}** ({len(sh.columns)} places, {size.min():,} to {size.max():,} characters each): themes "
                     f"in every place: {', '.join(rep.th(t) for t in everywhere) or 'none'}; the most concentrated "
                     f"cell is {rep.th(peak_theme)} in {peak_place} "
                     f"({pct(sh.at[peak_theme, peak_place])} of its units).")
    text = ("\n".join(lines) + "\n\nHead counts are not comparable between places: each section counts something "
            "different (volunteers, residents checked, people reached).")
    return Block([text]) + rep.figure("04_themes_within_articles", "Share of each place's units carrying each theme, "
                                      "in the articles that run through places.")
