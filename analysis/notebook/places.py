"""Notebook 04's sections: regions read from the texts, places below article level (units), amounts and themes by
place, themes by region, places named, keyness per province and per region within a province.

Where the data says nothing, a section is left out with one line saying why: a place within an article is
compared only with at least MIN_PLACE_UNITS units, and a theme heatmap is drawn only with at least two columns
of at least MIN_COLUMN_UNITS units (`analysis.choices.enough_columns`).
"""
from __future__ import annotations

from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd

from ..amounts import amounts_by_place, unit_amounts
from ..choices import enough_columns
from ..outputs import save_table
from ..places import gazetteer, infer_region, starts_with_place
from ..places_units import place_mentions, place_units, unit_region
from ..plots import palette, plot_keyness, plot_place_amounts, plot_ranked_counts, plot_theme_heatmap, save_figure
from ..segment import tokenize_corpus
from ..terms import dfm, keyness
from ..themes import code_paragraphs
from .common import Context, Shown, left_out

MAX_ARTICLES = 300  # reading places takes about 40 ms per article: larger corpora are sampled
MIN_PLACE_UNITS = 3  # a place within an article is compared only with this many units
MIN_COLUMN_UNITS = 5  # a heatmap needs two columns with this many units
WITHIN = (["themes_within_articles"], ["04_themes_within_articles"])  # a section's outputs, removed when left out
BY_REGION = (["themes_by_region"], ["04_region_themes"])


def _ranked(values: pd.Series) -> pd.Series:
    """Counts of each value, most first, ties in the values' order."""
    return values.value_counts().sort_index().sort_values(ascending=False, kind="mergesort")


def sample(ctx: Context, max_articles: int = MAX_ARTICLES, seed: int = 0) -> tuple[Context, Shown]:
    """A Context on a fixed-seed sample of `max_articles` articles when the corpus has more, and the sentence
    saying so."""
    full = ctx.corpus
    if len(full) <= max_articles:
        return ctx, Shown()
    corpus = full.sample(max_articles, random_state=seed).sort_index()
    return (Context(ctx.study, corpus=corpus),
            Shown(f"Working on a fixed-seed sample of {len(corpus):,} of the {len(full):,} articles."))


def region_check(ctx: Context, n: int = 100) -> Shown:
    """How often `infer_region` finds the given province again, on the first `n` articles that give one."""
    given = ctx.corpus[ctx.corpus["province"] != ""].head(n)
    if given.empty:
        return Shown("The corpus gives no province for its articles: nothing to check the inference against.")
    inferred = infer_region(given.assign(province="", city=""))
    check = given[["doc_id", "label", "province", "city"]].merge(inferred[["doc_id", "province", "city"]],
                                                                on="doc_id", suffixes=("_given", "_inferred"))
    agree = (check["province_given"] == check["province_inferred"]).mean()
    return Shown(f"The inferred province agrees with the given one for {agree:.0%} of {len(check):,} articles.",
                 check.head(12), data={"check": check})


def ambiguous_places(ctx: Context) -> Shown:
    """Every place mention of the paragraphs; the gazetteer rows of the ambiguous name used most."""
    mentions = place_mentions(ctx.paras, ctx.corpus)
    ambiguous = (mentions[mentions["ambiguous"]]["mention"].value_counts() if "ambiguous" in mentions.columns
                 else pd.Series(dtype=int))
    if ambiguous.empty:
        return Shown("No ambiguous place name in the texts.", data={"mentions": mentions})
    name = ambiguous.index[0]
    gaz = gazetteer()
    rows = gaz[gaz["name"].isin(mentions.loc[mentions["mention"] == name, "place"].unique()) | (gaz["name"] == name)]
    return Shown(f"{name} ({ambiguous.iloc[0]} mentions):", rows.head(10), data={"mentions": mentions})


def units(ctx: Context) -> Shown:
    """Units (paragraphs or their place clauses, each with a place and region) per basis; the units coded with
    the study's codebook."""
    table = place_units(ctx.corpus, ctx.paras)
    table["region"] = unit_region(table)
    per_basis = table.groupby("basis").agg(units=("text", "size"), articles=("doc_id", "nunique"))
    return Shown(table=per_basis, data={"units": table, "coded": code_paragraphs(table)})


def below_article(ctx: Context, units: Shown) -> Shown:
    """The articles whose sections or clauses are about two places or more, each place's units, text and counts
    (table places_within_articles)."""
    table = units.data["units"]
    below = table[table["basis"].isin(["section", "clause"]) & (table["place"].fillna("") != "")]
    places_per_doc = below.groupby("doc_id")["place"].nunique()
    docs = list(places_per_doc[places_per_doc >= 2].sort_values(ascending=False, kind="mergesort").index)
    sub = below[below["doc_id"].isin(docs)]
    data = {"docs": docs, "sub": sub, "places_per_doc": places_per_doc, "amounts": unit_amounts(table)}
    if not docs:
        return replace(left_out("No article has sections or clauses about two places or more: no comparison below "
                                "article level.", ["places_within_articles"]), data=data)
    amounts, label_of = data["amounts"], ctx.label_of
    rows = []
    for doc in docs:
        part = sub[sub["doc_id"] == doc]
        counts = amounts_by_place(part, amounts[amounts["doc_id"] == doc], by="place")
        rows.append(counts.assign(doc_id=doc, label=label_of[doc], basis=part.groupby("place")["basis"].first()
                                  .reindex(counts["place"]).to_numpy()))
    by_place = pd.concat(rows, ignore_index=True)[["doc_id", "label", "place", "basis", "n_units", "n_chars", "persons",
                                                   "person_times", "money_yuan", "n_money"]]
    save_table(by_place, "places_within_articles",
               "For each article with sections or clauses about two places or more: each place's units, text and "
               "counts.",
               {"doc_id": "article", "label": "article label", "place": "place of the section or clause",
                "basis": "section or clause", "n_units": "units about the place",
                "n_chars": "characters of those units",
                "persons": "sum of head counts (人/名/位)", "person_times": "sum of person-times (人次)",
                "money_yuan": "sum of money amounts as written (a lower bound where qualified)",
                "n_money": "money figures"})
    text = (f"{len(docs)} article{'s' if len(docs) > 1 else ''} run through places below article level: "
            + "; ".join(f"**{label_of[d]}**, {places_per_doc[d]} places by "
                        f"{sub.loc[sub['doc_id'] == d, 'basis'].mode().iloc[0]}" for d in docs[:8]) + ".")
    return Shown(text, data={**data, "by_place": by_place})


def money_by_place(ctx: Context, below: Shown, n_docs: int = 3) -> Shown:
    """Every money figure of the place units of the `n_docs` articles with most figures (table amounts_by_place,
    figure 04_amounts_by_place)."""
    docs, sub, amounts = below.data["docs"], below.data["sub"], below.data["amounts"]
    money = amounts[(amounts["kind"] == "money") & amounts["doc_id"].isin(docs)
                    & amounts["basis"].isin(["section", "clause"])] if docs else amounts.iloc[:0]
    money_docs = list(_ranked(money["doc_id"]).index[:n_docs])
    if not money_docs:
        return left_out("No article gives money figures place by place.", ["amounts_by_place"],
                        ["04_amounts_by_place"])
    label_of = ctx.label_of
    save_table(money[["doc_id", "place", "span", "amount_yuan", "bound", "bound_kind", "given"]].assign(
        label=money["doc_id"].map(label_of)), "amounts_by_place",
        "Every money figure of the place units of articles that run through places.",
        {"doc_id": "article", "place": "place of the unit", "span": "the figure as written", "amount_yuan": "in yuan",
         "bound": "qualifier as written", "bound_kind": "at_least / at_most / approx / exact",
         "given": "what was given",
         "label": "article label"})
    orders = {d: list(dict.fromkeys(sub.loc[sub["doc_id"] == d, "place"])) for d in money_docs}
    heights = [0.5 * len(orders[d]) + 0.4 * (money["doc_id"] == d).sum() + 1.5 for d in money_docs]
    fig, axes = plt.subplots(len(money_docs), 1, figsize=(10, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, doc in zip(axes[:, 0], money_docs, strict=True):
        plot_place_amounts(money[money["doc_id"] == doc], orders[doc], ax=ax)
        ax.set_title(f"{label_of[doc]}: money figures by place")
    save_figure(fig, "04_amounts_by_place")
    lines = []
    for doc in money_docs:
        m = money[money["doc_id"] == doc]
        silent = [p for p in orders[doc] if p not in set(m["place"])]
        top = m.sort_values("amount_yuan", ascending=False).iloc[0]
        lines.append(f"- **{label_of[doc]}**: {len(orders[doc]) - len(silent)} of {len(orders[doc])} places give "
                     f"{len(m)} figures; the largest is {top['span']} ({top['place']}); {len(silent)} give none.")
    return Shown("\n".join(lines), figure=fig, data={"money": money})


def compared_places(units: Shown, below: Shown, doc: str, max_places: int = 20) -> tuple[pd.DataFrame, object]:
    """The coded units of the places of article `doc` with at least MIN_PLACE_UNITS units (the first
    `max_places` in text order), and whether they make a heatmap (`enough_columns`: a Choice)."""
    sub, coded = below.data["sub"], units.data["coded"]
    part = coded.loc[sub.index[sub["doc_id"] == doc]].assign(place=sub.loc[sub["doc_id"] == doc, "place"])
    sizes = part.groupby("place").size()
    order = [p for p in dict.fromkeys(part["place"]) if sizes[p] >= MIN_PLACE_UNITS][:max_places]
    part = part[part["place"].isin(order)]
    n = part.groupby("place").size().reindex(order)
    return part, enough_columns(n, min_units=MIN_COLUMN_UNITS, what="units")


def themes_within(ctx: Context, units: Shown, below: Shown, n_docs: int = 3) -> Shown:
    """Theme shares of the places of the first `n_docs` articles (most places first) whose places make a heatmap
    (table themes_within_articles, figure 04_themes_within_articles)."""
    docs = below.data["docs"]
    if not docs:
        return left_out("No article with places below article level.", *WITHIN)
    ids, label_of = list(ctx.labels), ctx.label_of
    parts, skipped = {}, []
    for doc in docs:
        part, choice = compared_places(units, below, doc)
        if choice.value is None:
            k = part["place"].nunique()
            skipped.append(f"- **{label_of[doc]}**: {k} of its {below.data['places_per_doc'][doc]} places "
                           f"{'has' if k == 1 else 'have'} at least {MIN_PLACE_UNITS} units; "
                           f"{choice.reason.replace('group', 'place')}.")
        elif len(parts) < n_docs:
            parts[doc] = part
    rule = f"Places with fewer than {MIN_PLACE_UNITS} units are left out: a share of one or two units says nothing."
    note = "\n\n".join([rule] + (["\n".join(skipped[:8])] if skipped else []))
    if not parts:
        return left_out("No article has two places with enough units to compare their themes. " + note, *WITHIN)
    widths = [part["place"].nunique() for part in parts.values()]
    fig, axes = plt.subplots(len(parts), 1, squeeze=False, layout="constrained",  # room for slanted labels
                             figsize=(min(5.4 + 1.1 * max(widths), 26), 7.8 * len(parts)))
    rows = []
    for ax, (doc, part) in zip(axes[:, 0], parts.items(), strict=True):
        order = list(dict.fromkeys(part["place"]))
        k = part.groupby("place")[ids].sum().T[order]
        n = part.groupby("place").size()[order]
        plot_theme_heatmap(k, ctx.labels, n=n, ax=ax, what="units",
                           title=f"{label_of[doc]}: share of each place's units carrying each theme")
        long = k.rename_axis("theme").reset_index().melt(id_vars="theme", var_name="place", value_name="k")
        rows.append(long.assign(doc_id=doc, label=label_of[doc], n=long["place"].map(n)))
    save_figure(fig, "04_themes_within_articles")
    within = pd.concat(rows, ignore_index=True)
    within["share"] = within["k"] / within["n"]
    save_table(within[["doc_id", "label", "place", "theme", "k", "n", "share"]], "themes_within_articles",
               "Theme shares of the places of articles that run through places.",
               {"doc_id": "article", "label": "article label", "place": "place", "theme": "theme id",
                "k": "units with the theme", "n": "units of the place", "share": "k / n"})
    return Shown(note, figure=fig, data={"within": within})


def themes_by_region(ctx: Context, units: Shown, n_regions: int = 25) -> Shown:
    """Theme shares of the units of the `n_regions` regions with most units (table themes_by_region, figure
    04_region_themes), drawn when two regions have at least MIN_COLUMN_UNITS units."""
    table, coded, ids = units.data["units"], units.data["coded"], list(ctx.labels)
    regions = table[table["region"].fillna("") != ""]
    if regions.empty:
        return left_out("No unit has a region: the texts name no place the gazetteer knows.", *BY_REGION)
    top = list(_ranked(regions["region"]).index[:n_regions])
    part = coded.loc[regions.index[regions["region"].isin(top)]]
    part = part.assign(region=table.loc[part.index, "region"])
    k = part.groupby("region")[ids].sum().T[top]
    n = part.groupby("region").size()[top]
    choice = enough_columns(n, min_units=MIN_COLUMN_UNITS, what="units")
    if choice.value is None:
        return left_out(f"Themes by region left out: {choice.reason.replace('group', 'region')}.", *BY_REGION)
    fig = plot_theme_heatmap(k.T.reindex(top).T, ctx.labels, n=n, what="units", xlabel="Region (units)",
                             title=f"Share of units carrying each theme, by region (the {n_regions} with most units)")
    save_figure(fig, "04_region_themes")
    long = k.rename_axis("theme").reset_index().melt(id_vars="theme", var_name="region", value_name="k")
    save_table(long.assign(n=long["region"].map(n), share=lambda d: d["k"] / d["n"]), "themes_by_region",
               "Theme shares of the units of each region (the 25 with most units).",
               {"region": "district, city or province", "theme": "theme id", "k": "units with the theme",
                "n": "units of the region", "share": "k / n"})
    return Shown(figure=fig)


def places_named(ctx: Context, ambiguous: Shown, n: int = 25, n_provinces: int = 8) -> Shown:
    """The `n` places named most often, coloured by province (table places_mentioned, figure 04_places_mentioned)."""
    mentions = ambiguous.data["mentions"]
    if mentions.empty:
        return left_out("The texts name no place the gazetteer knows.", ["places_mentioned"],
                        ["04_places_mentioned"])
    ranked = _ranked(mentions["place"]).head(n)
    province_of = mentions.drop_duplicates("place").set_index("place")["province"].fillna("")
    prov_rank = list(_ranked(mentions["province"]).index[:n_provinces])
    legend = palette(list(dict.fromkeys(p if p in prov_rank else "other" for p in province_of[ranked.index])))
    colours = province_of.map(lambda p: legend.get(p, legend.get("other", "grey"))).to_dict()
    fig = plot_ranked_counts(ranked, colours=(colours, legend), legend_title="Province")
    fig.axes[0].set_title(f"Places named most often in the {len(ctx.corpus):,} articles (top {n})")
    fig.axes[0].set_xlabel("Mentions in paragraphs")
    save_figure(fig, "04_places_mentioned")
    save_table(ranked.rename("mentions").rename_axis("place").reset_index().assign(
        province=lambda d: d["place"].map(province_of)), "places_mentioned", "The 25 places named most often in the "
        "paragraphs.", {"place": "official name", "mentions": "mentions in paragraphs", "province": "its province"})
    return Shown(figure=fig)


def province_keyness(ctx: Context, units: Shown, n: int = 3) -> Shown:
    """Keyness of the units of each of the `n` provinces with most text against the other provinces' units
    (table keyness_province_units, figure 04_province_keyness)."""
    table = units.data["units"]
    tokens = tokenize_corpus(table["text"], progress=False)
    prov_units = table[table["province"].fillna("") != ""]
    prov_size = prov_units.assign(n=prov_units["text"].str.len()).groupby("province")["n"].sum()
    provinces = list(prov_size.sort_index().sort_values(ascending=False, kind="mergesort").index[:n])
    data = {"tokens": tokens, "provinces": provinces}
    if len(prov_size) < 2:
        return replace(left_out("Fewer than two provinces among the units: no keyness by province.",
                                ["keyness_province_units"], ["04_province_keyness"]), data=data)
    udfm = dfm(prov_units, by="province", tokens=[tokens[table.index.get_loc(i)] for i in prov_units.index],
               min_chars=2)
    fig, axes = plt.subplots(1, len(provinces), figsize=(7 * len(provinces), 7.5), squeeze=False)
    rows = []
    for ax, province in zip(axes[0], provinces, strict=True):
        key = keyness(udfm, province)
        plot_keyness(key, n=10, ax=ax, target=province, reference="other provinces",
                     title=f"{province} vs the other provinces")
        rows.append(key[(key["G2"] > 0) & (key["q"] < 0.05)].head(20).assign(province=province))
    fig.suptitle("Key terms per province (units; counts target:reference)")
    save_figure(fig, "04_province_keyness")
    columns = ["province", "term", "n_target", "n_reference", "G2", "p", "q", "log_ratio"]
    save_table(pd.concat(rows, ignore_index=True)[columns],
               "keyness_province_units",
               "Key terms of the units of the three provinces with most text against the other provinces' units.",
               {"province": "target province", "term": "the term", "n_target": "count in the province",
                "n_reference": "count elsewhere", "G2": "signed log-likelihood", "p": "p-value", "q": "p adjusted (BH)",
                "log_ratio": "log2 ratio"})
    return Shown(figure=fig, data=data)


def region_keyness(ctx: Context, units: Shown, by_province: Shown, max_regions: int = 12) -> Shown:
    """Key terms of each region with at least MIN_COLUMN_UNITS units against the other units of its province,
    place names left out (table keyness_within_province)."""
    table, tokens = units.data["units"], by_province.data["tokens"]
    rows = []
    for province in by_province.data["provinces"]:
        part = table[table["province"] == province]
        counts = part["region"].value_counts()
        if part["region"].nunique() < 2:
            continue
        ptok = [tokens[table.index.get_loc(i)] for i in part.index]
        for region in [r for r in counts.index if counts[r] >= MIN_COLUMN_UNITS and r != province][:max_regions]:
            key = keyness(part, region, by="region", tokens=ptok, min_chars=2).query("G2 > 0 and q < 0.05")
            terms = [t for t in key["term"] if not starts_with_place(t, province)][:6]
            rows.append({"province": province, "region": region, "units": int(counts[region]),
                         "characters": int(part.loc[part["region"] == region, "text"].str.len().sum()),
                         "key terms": "、".join(terms)})
    within = pd.DataFrame(rows, columns=["province", "region", "units", "characters", "key terms"])
    if within.empty:
        return replace(left_out(f"No province has two regions with {MIN_COLUMN_UNITS} units or more.",
                                ["keyness_within_province"]), table=within)
    save_table(within, "keyness_within_province", "Key terms of each region against the other units of its province.",
               {"province": "province", "region": "district or city", "units": "its units",
                "characters": "their characters",
                "key terms": "up to six key terms (G2 > 0, q < 0.05), place names left out"})
    return Shown(table=within)
