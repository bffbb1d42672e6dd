"""Report sections 2 and 3: the corpus and its limits, and the method."""
from __future__ import annotations

import pandas as pd

from ..choices import present
from .document import Block, Report, pct, plural

FIELDS = [("province", "about"), ("year", "from"), ("org", "by a"), ("source", "published by")]


def corpus_table(rep: Report) -> Block:
    """The articles (while few) or the corpus by year, province, organisation and source."""
    corpus, paras = rep.corpus, rep.ctx.paras
    if rep.ctx.few:
        overview = corpus.assign(paragraphs=corpus["doc_id"].map(paras.groupby("doc_id").size()))
        overview = overview.set_index("label")[["title", "date", "source", "province", "city", "org", "paragraphs",
                                                "n_chars_clean"]]
        overview = overview.assign(date=overview["date"].dt.strftime("%Y-%m-%d"))
        return rep.table(overview.rename(columns={"n_chars_clean": "characters"}),
                         "The articles (label = short id and the place the article is about; characters of clean "
                         "text).")
    rows = []
    for col in ["year", "province", "org", "source"]:
        values = present(corpus, col)
        if len(values):
            rows.append({"field": col, "values": len(values), "articles with a value": int(values.sum()),
                         "largest": ", ".join(f"{v} ({n:,})" for v, n in values.head(5).items())})
    table = pd.DataFrame(rows).set_index("field") if rows else pd.DataFrame({"field": ["(none)"]})
    return rep.table(table, f"The {rep.n_docs:,} articles by year, province, organisation and source (the five "
                            "largest values of each).")


def corpus_limits(rep: Report) -> Block:
    """What the corpus holds, what it lacks, its longest article, and the groups that coincide."""
    corpus, coincide = rep.corpus, rep.coincide
    parts = []
    for col, word in FIELDS:
        values = present(corpus, col)
        if len(values):
            shown = ", ".join(f"{n:,} {word} {rep.g(str(v))}" for v, n in values.head(6).items())
            parts.append(shown + (f" and {len(values) - 6} more {col} values" if len(values) > 6 else ""))
    lines = [f"The corpus holds {rep.n_docs:,} articles: " + "; ".join(parts) + "."]
    if rep.missing:
        lines.append(f"It gives no {' or '.join(rep.missing)} for its articles; comparisons by "
                     f"{'those' if len(rep.missing) > 1 else 'that'} are left out, and notebook 04 reads places from "
                     "the texts.")
    largest = corpus.sort_values("n_chars_clean", ascending=False).iloc[0]
    share = largest["n_chars_clean"] / corpus["n_chars_clean"].sum()
    lines.append(f"The longest article ({largest['label']}) is {pct(share)} of the clean text"
                 + (", so it weighs heavily in any corpus-wide count." if share >= 0.2 else "."))
    if len(coincide):
        lines.append("**Groups that coincide.** Each line is a group all of whose articles share one value of another "
                     "field, so comparing that group with the rest also compares the other field:")
        lines += [f"- {r.column} {r.value} ({plural(r.articles, 'article')}): only {r.other_column} {r.only}"
                  for r in coincide.head(12).itertuples()]
        if len(coincide) > 12:
            lines.append(f"- … and {len(coincide) - 12} more.")
    else:
        lines.append("No year, province, organisation or source coincides with a single value of another field.")
    few = rep.ctx.few
    caption = ("The articles by publication date and " + ("region." if len(present(corpus, "province")) else "group.")
               + (" Dot area is proportional to the length of the clean text." if few
                  else " Counts per period and group."))
    return Block(["\n\n".join(lines)]) + rep.figure("01_timeline", caption)


def cleaning(rep: Report) -> Block:
    corpus = rep.corpus
    rules = read_rules(rep)
    raw_chars, clean_chars = corpus["n_chars_raw"].sum(), corpus["n_chars_clean"].sum()
    most_cut = (corpus.assign(kept=corpus["n_chars_clean"] / corpus["n_chars_raw"])
                .sort_values(["kept", "doc_id"]).iloc[0])
    top = rules.sort_values(ascending=False, kind="mergesort").head(4)
    text = f"""
**Cleaning** (`analysis.clean`, notebook 01). Raw files are kept unchanged. Each is decoded whatever its encoding,
normalised, and passed through small named rules in a fixed order; every removal or repair is logged. The audit has
{int(rules.sum()):,} entries from {len(rules)} rules, most from {', '.join(f'`{r}` ({n:,})' for r, n in top.items())}.
Traditional script is converted to simplified (OpenCC). Of {raw_chars:,} raw characters {clean_chars:,}
({pct(clean_chars / raw_chars)}) remain; the article cut most is {most_cut['label']}, \
which keeps {pct(most_cut['kept'])}.
Short heading lines become the *section* of the paragraphs under them; the paragraph is the unit of analysis.
"""
    return Block([text]) + rep.figure("01_cleaning_lengths", "Length of the articles before and after cleaning.",
                                      width=640)


def read_rules(rep: Report) -> pd.Series:
    return rep.tab("cleaning_rules").groupby("rule")["entries"].sum()


def method(rep: Report) -> Block:
    """Segmentation, codebook, keyness, places and amounts: how the numbers are made."""
    from ..lexicon import read_user_dict
    from ..segment import load_stopwords

    codebook, stats, freq = rep.ctx.codebook, rep.stats, rep.tab("terms_corpus")
    n_user, n_stop, n_genre = len(read_user_dict()), len(load_stopwords()), len(load_stopwords(genre=True))
    n_keywords = int(codebook["keywords"].map(len).sum())
    g = rep.g
    text = f"""
**Segmentation** (`analysis.segment`, notebook 02). Chinese is written without spaces; words are cut once per
paragraph by jieba's Rust port (rjieba) with a lexicon of {n_user} domain terms that jieba would split (the project's
`user_dict.txt` and the study's own words). Punctuation, numbers, a general stopword list of {n_stop} words (Stopwords
ISO and the study's own) and {n_genre} **genre words** of official prose (`stopwords_genre.txt`: {g('工作')},
{g('积极')}, {g('开展')} …) are dropped, so that counts show what was done rather than the register. Every count,
keyness, network and topic below uses these tokens; the 500 most frequent terms of two or more characters
(`tables/terms_corpus.csv`) account for {int(freq['count'].sum()):,} of them.

**Codebook** (`analysis.themes`, notebook 03). Themes are coded by explicit rules rather than inferred: the study's
codebook defines {len(codebook)} themes, each with a Chinese and English label, a one-line definition and
{n_keywords} keywords in all (with optional required or excluded co-words). A paragraph carries every theme whose
keywords it contains, {stats['mean_themes']:.1f} on average; {pct(stats['uncoded_share'])} of paragraphs carry none.
Shares are given with 95% intervals from resampling *articles* (a cluster bootstrap: the paragraphs of one article
are not independent): Korn and Graubard's interval, exact binomial on the effective number of paragraphs that the
resampling implies. A difference is named only where its interval excludes zero. A topic model (NMF on
paragraph tf-idf) is fitted as a check on the codebook (§4.7).

**Keyness** (`analysis.terms`, notebooks 02 and 04). Which terms distinguish one group of texts from the rest is
measured as in quanteda's `textstat_keyness`: the signed log-likelihood G² of each term's 2×2 table, its p-value, and
Hardie's log ratio as effect size. Terms are called key at q < 0.05: the p-value adjusted over every term tested
(Benjamini–Hochberg), since among thousands of terms p < 0.05 alone would mark hundreds by chance.

**Places and amounts** (`analysis.places`, `analysis.amounts`, notebook 04). Place names are matched against the
official gazetteer of administrative divisions, ambiguous names resolved by the article's province; sections and
clauses that name a district or city are attributed to it, and money and head counts are read with their qualifiers
(余/多/超 *more than*, 近 *nearly*, 约 *about*).
"""
    return Block([text])
