"""Report sections 4.5-4.7 and 5: periods, groups and their vocabulary, whether the codebook holds up, limits."""
from __future__ import annotations

from ..outputs import has_table, read_table
from .document import Block, Report, pct, plural
from .findings import period_changes


def periods(rep: Report) -> Block:
    """4.5: what changes between the first and the last period (themes with intervals, key terms)."""
    by_period, key_period, key_ref = rep.tab("themes_by_period"), rep.tab("keyness_period"), rep.tab(
        "keyness_period_reference")
    period = rep.ctx.choices.period.value
    if by_period is None or key_period is None or period is None:
        return Block([f"No comparison over time: {rep.ctx.choices.period.reason}."])
    cols = sorted(by_period["group"].astype(str).unique())
    n_t = by_period.drop_duplicates("group").set_index(by_period.drop_duplicates("group")["group"].astype(str))["n"]
    last, earlier = key_period["target"].iloc[0], key_period["reference"].iloc[0]
    late = key_period[(key_period["G2"] > 0) & (key_period["q"] < 0.05)]
    early = key_ref[(key_ref["G2"] < 0) & (key_ref["q"] < 0.05)]
    from ..choices import period_values

    docs_per = period_values(rep.corpus, period).value_counts()
    same = rep.coincide[(rep.coincide["column"] == "year") & (rep.coincide["value"] == str(last))]
    first, final = cols[0], cols[-1]
    n_first, n_final = int(docs_per.get(first, 0)), int(docs_per.get(final, 0))
    text = (f"{first} has {plural(n_first, 'article')} ({n_t[first]:,} paragraphs) and {final} "
            f"{plural(n_final, 'article')} ({n_t[final]:,} paragraphs). "
            + period_changes(rep)[2]
            + f"\n\nKey terms of {last} against {earlier} by G² (counts {last}:{earlier}): {rep.terms(late)}. "
              f"Key terms of {earlier}: {rep.terms(early)}.")
    if not same.empty:
        text += (f"\n\n**This contrast is confounded**: every {last} article is also "
                 f"{'; '.join(f'{r.other_column} {r.only}' for r in same.itertuples())}, so the difference of periods "
                 f"is at the same time a difference of {' and '.join(same['other_column'])}.")
    return (Block([text]) + rep.figure("03_themes_by_period", f"Share of paragraphs carrying each theme by {period} "
                                       "(whiskers: 95% intervals from resampling articles).")
            + rep.figure("02_keyness_last_period", f"Keyness of terms, {last} vs {earlier} (signed G², counts "
                         "target:reference; pale bars not significant), and the top terms per 1,000 tokens in each."))


def key_table_name() -> str | None:
    return next((f"keyness_{c}" for c in ("province", "org", "source") if has_table(f"keyness_{c}")), None)


def group_vocabulary(rep: Report) -> Block:
    """4.6: the terms most typical of each group against the rest."""
    name = key_table_name()
    if name is None:
        return Block(["The corpus has fewer than two provinces, organisations or sources with enough text: no keyness "
                      "between groups."])
    key_groups, what = read_table(name), name.split("_", 1)[1]
    if key_groups.empty:
        return Block([f"No term is significantly more frequent in one {what} than in the others (q < 0.05, p adjusted "
                      "over all terms tested)."])
    lines = [f"Terms most typical of each {what} with enough text against all other {what}s (counts group:rest):"]
    for grp, part in list(key_groups.groupby("group", sort=False))[:8]:
        lines.append(f"- **{rep.g(grp)}** ({part['group_tokens'].iloc[0]:,} tokens): {rep.terms(part, 5)}")
    same = rep.coincide[rep.coincide["column"] == what]
    if len(same):
        lines.append(f"\nSome {what}s coincide with one value of another field ("
                     + "; ".join(f"{r.value}: only {r.other_column} {r.only}" for r in same.head(6).itertuples())
                     + f"): their key terms may belong to that field as much as to the {what}.")
    lead = key_groups["group"].iloc[0]
    return Block(["\n".join(lines)]) + rep.figure("02_keyness_group_vs_rest",
                                                  f"Keyness of terms, {lead} against the other {what}s.", width=640)


def codebook_check(rep: Report) -> Block:
    """4.7: how the NMF topics line up with the codebook, and its agreement with human coders when measured."""
    alignment = rep.tab("topic_alignment")
    if alignment is None:
        return Block(["No topic model was fitted (too few paragraphs)."])
    summ, labels = rep.summary_table, rep.ctx.labels
    matched = alignment[alignment["r"] >= 0.3]
    voice = alignment[(alignment["r"] < 0.3) & (alignment["doc_share"] >= 0.75)]
    by_label = {v: k for k, v in labels.items()}
    share_of = summ.set_index("theme")["share"]
    orphans = [t for t in summ["theme"] if t not in set(matched["best_theme"].map(by_label))]
    common = [t for t in orphans if share_of[t] >= 0.3]
    rare = [t for t in orphans if share_of[t] < 0.3]
    voices = "; ".join(f"{' / '.join(r.top_words.split()[:2])} in {r.main_article}" for r in voice.itertuples())
    text = (f"As a check, a topic model learns {len(alignment)} topics from the paragraphs alone (NMF on tf-idf, fixed "
            f"seed; notebook 03), and each topic is lined up with the codebook theme it correlates with best. "
            f"{len(matched)} topics match a theme at r ≥ 0.3: "
            f"{', '.join(sorted(set(rep.th(by_label.get(b, b)) for b in matched['best_theme']))) or 'none'}. Of the "
            f"others, {len(voice)} are mostly one article's vocabulary (at least 75% of the topic's weight in one "
            f"article{': ' + voices if len(voice) else ''}): they capture *who is speaking* rather than an activity, "
            "which the codebook deliberately does not code.")
    if common:
        text += (" No topic matches " + " or ".join(f"{rep.th(t)} ({pct(share_of[t])} of paragraphs)" for t in common)
                 + ", whose words spread over many topics.")
    if rare:
        names = ", ".join(f"{rep.th(t)} ({pct(share_of[t])})" for t in rare)
        text += (f" Nor does any match {names}: too infrequent in {rep.n_paras:,} paragraphs to form topics of "
                 "their own, or sharing their words with a larger theme.")

    agreement = rep.tab("codebook_agreement")
    if agreement is not None and "kappa" in agreement.columns:
        pooled = agreement[agreement["theme"] == "pooled"]
        if len(pooled):
            r = pooled.iloc[0]
            interval = (f" (95% interval {r['kappa_lo']:.2f}–{r['kappa_hi']:.2f})"
                        if {"kappa_lo", "kappa_hi"} <= set(agreement.columns) else "")
            text += (f"\n\nAgainst blind human coding of {int(r['n']):,} paragraphs of this study (notebook 03), the "
                     f"codebook's pooled Cohen's κ is {r['kappa']:.2f}{interval}.")
    return Block([text]) + rep.figure("03_nmf_vs_codebook", "How the NMF topics (columns) line up with the codebook's "
                                      "themes (rows).")


def limitations(rep: Report) -> Block:
    stats, n_docs, n_paras, coincide = rep.stats, rep.n_docs, rep.n_paras, rep.coincide
    size = ("Enough to build and test the method, not to generalise; percentages move by several points when one "
            "paragraph is recoded, as the wide intervals show." if n_paras < 1000 else
            "Shares are stable at this size, but the corpus is what its collector chose.")
    confound = (f"{len(coincide)} groups coincide with a single value of another field (section 2); contrasts between "
                "them cannot be attributed to one cause." if len(coincide) else
                "No grouping field coincides with another, but groups still differ in length and source.")
    missing = (f"The corpus gives no {' or '.join(rep.missing)}." if rep.missing else
               "Province, organisation and source are as the corpus gives them.")
    text = f"""
- **Size and selection.** {n_docs:,} articles, {n_paras:,} paragraphs. {size}
- **Genre.** The texts show what was thought worth reporting and in which vocabulary; they are not evidence of what was
  done, of its scale, or of its effect. Amounts are self-reported and partly lower bounds.
- **Confounding.** {confound}
- **Coding.** Themes are keyword rules: a paragraph that mentions a keyword in passing can be coded with its theme.
  {pct(stats['uncoded_share'])} of paragraphs are uncoded, and paragraphs carry {stats['mean_themes']:.1f} themes on
  average, so shares overlap. The rules and their evidence are open to inspection and revision in the study's codebook.
- **Segmentation.** Counts depend on the lexicon and stopword lists; a term missing from the lexicon may be split and
  under-counted. Boilerplate the cleaning rules do not know (an outlet's recurring lead-in) counts as text.
- **Metadata.** {missing} Dates are publication dates, not event dates.
"""
    return Block(["## 5. Limitations", text])


__all__ = ["periods", "group_vocabulary", "codebook_check", "limitations"]
