"""Amounts: money, head counts and item counts in a text, each with the place its clause is about.

Example: extract_amounts("密云区政协委员累计捐款捐物107.39万元;") gives one row: place 密云区,
amount_yuan 1073900.0, bound "" (exact), given 捐款捐物.

Numbers may be Arabic (107.39, 1,028), Chinese (五十, 千) or mixed (3千); 万 and 亿 multiply, and
stand alone before 余/多 (万余元 = 10,000 and more). Qualifiers (近, 超, 逾, 约 before; 余, 多 inside,
as in 3000多万元 and 30万余元; 左右, 以上 after) are kept as `bound` and summarised as
`bound_kind`: exact, at_least, at_most or approx.

Ranges (4至6人, 20-30名, 5至10万元, 二三十人, 三四百名) get bound_kind "range": `amount` is the lower end,
`amount_high` the upper one (NaN for every other row). An amount given per each (为每户困难家庭发放500元,
人均1.41万元) keeps the distributive word in `per` and is left out of sums; a head or item count per each
(每组4至6人, 十人一组) is no count and is dropped, as are slogans (五位一体, 一人一策). 万 and 亿 stand alone
after a qualifier in front too (近亿元, 超过万名).

Vague quantities (数千人次, 数十万元, 上千名, 几十位, 十几名, 成千上万) get bound_kind "vague": their
`amount`, `count` and `amount_yuan` are NaN, so no sum includes them, and `magnitude` gives their
order of magnitude (数千 -> 1000, 数十万 -> 100000, 十几 -> 10). Every other row has `magnitude` too
(10 ** floor(log10(amount))).

Money keeps its `currency` (ISO 4217: CNY, USD, HKD, EUR...): only CNY amounts get amount_yuan;
100万美元 is amount 1e6, currency USD, amount_yuan NaN, never added to yuan.

Head counts that are not people counted are dropped: "as a ..." (作为一名政协委员, 以一名党员的身份),
capacities and limits (可容纳五十人, 可供200人, 五十人座位, 控制在50人以内).

Units, currencies, qualifiers, vague words, "what was given" words, words that make a count no
count, and set phrases to skip are data: data/lexicon/amount_terms.csv.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from . import lexicon
from .dispatch import call, is_dask
from .freshness import Watch
from .lexicon import TERMS_FILE, amount_terms  # noqa: F401 (re-exported)
from .paths import PROJECT_ROOT  # noqa: F401
from .places import first_place

TERM_FILE = Watch(lambda: lexicon.TERMS_FILE)  # _lookups and _pattern are built from amount_terms.csv
AMOUNT_COLUMNS = [
    "place", "province", "city", "county", "code", "kind", "amount", "amount_high", "amount_yuan", "count",
    "unit", "currency", "bound", "bound_kind", "magnitude", "per", "given", "given_kind", "counted", "span",
    "start", "end", "clause",
]
_MAGNITUDE = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMERAL = _CN_DIGITS + "十百千"
_CLAUSE = re.compile(r"[^;；。!?！？\n]+[;；。!?！？]?")
_COUNTED_STOP = set("的和与及、,，;；。:：“”\"()（）率在参到向为对按把将被是有进开组发了等共")
_PLACE_FIELDS = ("place", "province", "city", "county", "code")
_BEFORE_SPLIT = re.compile(r"[,，、:：;；“”\"()（）]")


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _terms(role: str, **where) -> pd.DataFrame:
    terms = amount_terms()
    rows = terms[terms["role"] == role]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


@lru_cache(maxsize=1)
def _lookups() -> dict:
    """The term table as the per-match rules read it, built once (as `_pattern` is): each rule looked up
    in a dict or walked as a tuple instead of filtering the table for every clause and match."""
    terms = amount_terms()
    money = _terms("unit", kind="money")
    return {
        "kind": dict(zip(terms["term"][::-1], terms["kind"][::-1])),  # the first row of a term wins
        "currency": dict(zip(money["term"], money["currency"])),
        "foreign": tuple(sorted(((t, c) for t, c in zip(money["term"], money["currency"]) if c != "CNY"),
                                key=lambda x: -len(x[0]))),
        "not_count": tuple(zip(*(_terms("not_count")[c] for c in ("term", "position")))),
        "given": tuple(zip(*(_terms("given")[c] for c in ("term", "kind")))),
        "ignore": tuple(terms.loc[terms["role"] == "ignore", "term"]),
        "per": tuple(zip(*(_terms("per")[c] for c in ("term", "position", "kind")))),
    }


def _guarded(rows: pd.DataFrame) -> str:
    """Terms as one alternation, longest first, each behind its `not_after` guard (过 but not 通过, 经过)."""
    rows = rows.assign(n=rows["term"].str.len()).sort_values("n", ascending=False, kind="mergesort")
    return "|".join((f"(?<![{re.escape(r.not_after)}])" if r.not_after else "") + re.escape(r.term)
                    for r in rows.itertuples())


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    terms = amount_terms()
    bounds = terms[terms["role"] == "bound"]
    by_pos = {pos: _guarded(bounds[bounds["position"] == pos]) for pos in ("before", "inside", "after")}
    units = _alternation(terms.loc[terms["role"] == "unit", "term"])
    prefixes = []
    for row in _terms("vague", position="before").sort_values("term", key=lambda t: -t.str.len()).itertuples():
        guard = f"(?<![{re.escape(row.not_after)}])" if row.not_after else ""
        tail = "[十百千]{0,2}" if row.kind == "prefix_or_alone" else "(?:[十百千]{1,2}|(?=万|亿))"
        prefixes.append(f"{guard}{re.escape(row.term)}{tail}")
    suffix = _alternation(_terms("vague", kind="suffix")["term"])
    idioms = _alternation(_terms("vague", kind="idiom")["term"])
    vague = rf"(?P<vague>{idioms}|[一二三四五六七八九]?十(?:{suffix})|{'|'.join(prefixes)})"
    arabic = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?[十百千]?|\d+(?:\.\d+)?[十百千]?"
    # a range: 4至6人, 20-30名, 5万至10万元, 5至10万元; 二三十人, 三四百名, 两三千元 (two digits, the smaller first)
    digit = r"\d+(?:\.\d+)?[十百千]?"
    ranged = (rf"(?P<lo>{digit}(?:万|亿)?)\s*(?P<to>至|到|-|—|–|~|～)\s*(?P<hi>{digit})(?=万|亿|{units})"
              rf"|(?P<pair>[一二两三四五六七八九]{{2}}[十百千]?)(?=万|亿|{units})")
    # 万 or 亿 with no digit before it: 万余元, 亿多元, and after a qualifier in front: 近亿元, 超过万名, 逾万人
    bare = rf"(?(pre)(?=万|亿)|(?=(?:万|亿)(?:{by_pos['inside']})))"
    number = rf"{vague}|{ranged}|{arabic}|[{_CN_NUMERAL}]+|{bare}"
    # no start inside a number; after "digit," only when not a thousands group (1,028 vs 2000元,3000元)
    start = rf"(?<![第\d.{_CN_NUMERAL}])(?:(?<!\d,)|(?!\d{{3}}(?![\d.])))"
    return re.compile(
        rf"{start}(?P<pre>{by_pos['before']})?"
        rf"(?P<num>{number})(?P<mid>{by_pos['inside']})?(?P<mag>万亿|万|亿)?(?P<post>{by_pos['inside']})?"
        rf"(?P<unit>{units})(?!旦|宵|首|素|小时|月|星期|工作日|钟)(?P<suf>{by_pos['after']})?"
    )


_NUMERAL_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}


def _vague_magnitude(vague: str, mag: str) -> tuple[str, float]:
    """(the vague word, the order of magnitude) of a vague number: ("数", 1000.0) for 数千."""
    terms = _terms("vague")
    if vague in set(terms.loc[terms["kind"] == "idiom", "term"]):
        return vague, min(_NUMERAL_VALUE[ch] for ch in vague if ch in _NUMERAL_VALUE) * _MAGNITUDE.get(mag, 1)
    word, rest = "", vague
    for term in sorted(terms.loc[terms["position"] == "before", "term"], key=len, reverse=True):
        if rest.startswith(term):
            word, rest = term, rest[len(term):]
            break
    for term in terms.loc[terms["kind"] == "suffix", "term"]:
        if rest.endswith(term) and not word:
            word, rest = term, rest[: -len(term)]
    base = parse_number(rest) if rest else 1.0
    return word, _order(base * _MAGNITUDE.get(mag, 1))


def _order(value: float) -> float:
    return float(10 ** math.floor(math.log10(value))) if value > 0 else float("nan")


def _currency(unit: str, before: str) -> str:
    """ISO code of a money amount: its unit's, or a foreign currency named just before it (港币100万元)."""
    currency = _lookups()["currency"][unit]
    if currency == "CNY":
        for term, code in _lookups()["foreign"]:
            if before.endswith(term):
                return code
    return currency


def _not_a_count(clause: str, start: int, end: int, value: float) -> bool:
    """Is the head or item count at clause[start:end] a capacity, a limit or "as a ..."?"""
    before = _BEFORE_SPLIT.split(clause[max(0, start - 6):start])[-1]
    for term, position in _lookups()["not_count"]:
        if position == "before" and term in before:
            return True
        if position == "before_one" and value == 1 and clause[:start].endswith(term):
            return True
        if position == "after" and clause[end:].startswith(term):
            return True
    return False


def _value(m: re.Match, mag: str) -> tuple[float, float]:
    """(amount, upper end) of a match: the upper end is NaN but for a range (4至6人: 4, 6; 二三十人: 20, 30).
    In 5至10万元 the lower end shares the magnitude (5万); in 5千至1万元 it could not (5千 > 1)."""
    scale = _MAGNITUDE.get(mag, 1)
    if m.group("pair"):
        pair = m.group("pair")
        first, second = (parse_number(c + pair[2:]) for c in pair[:2])
        if first >= second:
            raise ValueError(f"not a range: {pair}")
        return first * scale, second * scale
    if m.group("lo"):
        lo, hi = parse_number(m.group("lo")), parse_number(m.group("hi"))
        own = m.group("lo")[-1] in "万亿"  # 5万至10万元: its own magnitude
        return (lo if own or lo > hi else lo * scale), hi * scale
    return (parse_number(m.group("num")) if m.group("num") else 1.0) * scale, float("nan")


def _per(clause: str, start: int, end: int) -> str:
    """The word an amount is given per, if any: 每户 (为每户困难家庭发放500元), 人均, or 一组 after the
    unit (十人一组). Time words do not distribute an amount (每天派两名志愿者, 每年列支1亿元)."""
    for term, position, kind in _lookups()["per"]:
        if position == "after" and kind == "per" and clause.startswith(term, end):
            return term
    before = _BEFORE_SPLIT.split(clause[max(0, start - 12):start])[-1]
    at = max((before.rfind(t), t) for t, position, kind in _lookups()["per"] if position == "before" and kind == "per")
    if at[0] < 0 or any(before.startswith(t, at[0]) for t, _, kind in _lookups()["per"] if kind == "time"):
        return ""
    return before[at[0]:at[0] + max(len(at[1]), 2)]


def parse_number(text: str) -> float:
    """A number written in Arabic, Chinese or mixed digits: "107.39" -> 107.39, "五十" -> 50,
    "千" -> 1000, "3千" -> 3000, "3千万" -> 30000000, "一百二十" -> 120."""
    import cn2an

    text = text.replace(",", "").strip()
    if text and text[0] in "十百千万亿":
        text = "一" + text
    return float(cn2an.cn2an(text, "smart"))


def _bound_kind(qualifiers: list[str]) -> str:
    kind = _lookups()["kind"]
    kinds = {kind[q] for q in qualifiers}
    if not kinds:
        return "exact"
    return kinds.pop() if len(kinds) == 1 else "approx"


def _given(before: str) -> tuple[str, str]:
    """The "what was given" word nearest the end of `before` (longest if several end together)."""
    best = None
    for term, kind in _lookups()["given"]:
        pos = before.rfind(term)
        if pos >= 0:
            key = (pos + len(term), len(term))
            if best is None or key > best[0]:
                best = (key, term, kind)
    return (best[1], best[2]) if best else ("", "")


def _counted(after: str) -> str:
    out = ""
    for ch in after[:8]:
        if ch in _COUNTED_STOP or not ("\u4e00" <= ch <= "\u9fff"):
            break
        out += ch
    return out


def _ignored_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for phrase in _lookups()["ignore"]:
        if phrase in text:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
    return spans


def _clause_place(clause: str, province: str) -> dict | None:
    """The place a clause is about: its first place mention that is not where help went."""
    found = first_place(clause, province)
    return {k: found[k] for k in _PLACE_FIELDS} if found else None


def extract_amounts(text: str, province: str = "", place: str = "") -> pd.DataFrame:
    """One row per amount in `text`: place (the place its clause is about) with province, city,
    county, code; kind (money/people/items); amount (in its unit: yuan for money, a count
    otherwise; a range's lower end), amount_high (a range's upper end, else NaN), amount_yuan (money
    only), count (people and items only); unit; bound (the qualifiers as written, "+"-joined: "近",
    "约+多", a range's "至"); bound_kind (exact/at_least/at_most/approx/range/vague); per (每户, 人均:
    money given per each, else "");
    given, given_kind (for money: the nearest word before it saying what was given: 捐款,
    医疗物资...); counted (the words after a count: 机关党员干部); span, start, end, clause.

    A clause runs to the next ; 。 ! ? or line end. Its place is the first place it names (not
    counting places help went to: 向武汉, 驰援武汉); a clause naming none keeps the place of the
    clause before it on the same line, else `place`. `province` resolves shared names (朝阳区).
    """
    TERM_FILE.check()  # the memos of the term table are made again when amount_terms.csv changed
    rows = []
    skip = _ignored_spans(text)
    default = {"place": place, "province": province, "city": "", "county": "", "code": ""}
    offset = 0
    for line in text.split("\n"):
        current = default
        for cm in _CLAUSE.finditer(line):
            clause = cm.group(0)
            current = _clause_place(clause, province) or current
            last_end = 0
            for m in _pattern().finditer(clause):
                start, end = offset + cm.start() + m.start(), offset + cm.start() + m.end()
                if any(s <= start < e for s, e in skip):
                    continue
                unit = m.group("unit")
                kind = _lookups()["kind"][unit]
                mag = m.group("mag") or ""
                qualifiers = [q for q in (m.group(g) for g in ("pre", "mid", "post", "suf")) if q]
                high = float("nan")
                if m.group("vague"):
                    word, magnitude = _vague_magnitude(m.group("vague"), mag)
                    value, bound_kind = float("nan"), "vague"
                    qualifiers.append(word)
                else:
                    try:
                        value, high = _value(m, mag)
                    except ValueError:
                        continue  # numerals that make no number (十五两: 两 is a measure there; 九一)
                    magnitude = _order(value)
                    bound_kind = "range" if high == high else _bound_kind(qualifiers)
                    qualifiers += [m.group("to")] if m.group("to") else []
                cn_only = not re.search(r"\d", m.group("num"))
                if kind == "items" and cn_only and not m.group("vague") and value < 10:
                    continue  # 一个个, 两个维护, 四个意识: slogans and idioms, not counts
                per = _per(clause, m.start(), m.end())
                if kind != "money" and (per or _not_a_count(clause, m.start(), m.end(), value)):
                    continue  # 每组4至6人, 十人一组: so many per group, not people counted
                currency = _currency(unit, clause[:m.start()]) if kind == "money" else ""
                given = _given(clause[last_end:m.start()]) if kind == "money" else ("", "")
                rows.append({
                    **current, "kind": kind, "amount": value, "amount_high": high,
                    "amount_yuan": value if currency == "CNY" else float("nan"),
                    "count": value if kind != "money" else float("nan"),
                    "unit": (mag + unit) if kind == "money" else unit, "currency": currency,
                    "bound": "+".join(qualifiers), "bound_kind": bound_kind, "magnitude": magnitude, "per": per,
                    "given": given[0], "given_kind": given[1],
                    "counted": _counted(clause[m.end():]) if kind != "money" else "",
                    "span": m.group(0), "start": start, "end": end, "clause": clause,
                })
                last_end = m.end()
        offset += len(line) + 1
    return pd.DataFrame(rows, columns=AMOUNT_COLUMNS)


def unit_amounts(units: pd.DataFrame) -> pd.DataFrame:
    """Amounts of every unit from places.place_units (doc_id, para_no, unit_no, basis + the
    extract_amounts columns). An amount whose own clause names a place below or at the unit's
    place keeps that finer place (米易县 inside the 攀枝花 section); otherwise it takes the unit's
    place (the district of a clause, the city of a section, the article's region)."""
    if is_dask(units):
        return call("unit_amounts", units)
    frames = []
    for u in units.itertuples(index=False):
        found = extract_amounts(u.text, u.province)
        if found.empty:
            continue
        inside = (found["province"] == u.province) & (
            (found["code"] == u.code) | (found["city"] == (u.city or u.place)) | (found["county"] == u.place)
        ) if u.level != "province" else (found["province"] == u.province)
        inside &= found["code"] != ""  # a clause that names no place takes the unit's
        for field in _PLACE_FIELDS:
            found[field] = found[field].where(inside, getattr(u, field))
        frames.append(found.assign(doc_id=u.doc_id, para_no=u.para_no, unit_no=u.unit_no, basis=u.basis))
    cols = ["doc_id", "para_no", "unit_no", "basis"] + AMOUNT_COLUMNS
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


PERSON_UNITS = ("人", "名", "位", "个人")


def amounts_by_place(units: pd.DataFrame, amounts: pd.DataFrame, by: str = "city") -> pd.DataFrame:
    """Per place (`by`: a units column such as city, place or region): n_units, n_chars (length of
    its text), persons (sum of head counts in 人/名/位), person_times (sum of 人次), money_yuan (sum
    of yuan amounts as written, so a lower bound where amounts carry 余/多/超), n_money (the yuan
    amounts summed), n_vague (vague amounts, 数千人次 or 数十万元: left out of every sum) and
    n_foreign (money in another currency, 100万美元: left out of money_yuan) and n_per (money per
    head or household, 每户500元, 人均1.41万元: left out of money_yuan). A range (5至10万元) adds its lower end.
    Sums add every count the text gives, which can count the same people twice."""
    if is_dask(units) or is_dask(amounts):
        return call("amounts_by_place", units, amounts, by)
    chars = units.assign(n=units["text"].str.len()).groupby(by, sort=False).agg(
        n_units=("text", "size"), n_chars=("n", "sum"))
    amounts = amounts.merge(units[["doc_id", "para_no", "unit_no", by]], on=["doc_id", "para_no", "unit_no"],
                            suffixes=("_amount", "")) if by not in amounts.columns else amounts
    exact = amounts[(amounts["bound_kind"] != "vague") & (amounts["per"].fillna("") == "")]
    people = exact[exact["kind"] == "people"]
    money = exact[exact["kind"] == "money"]
    yuan = money[money["currency"] == "CNY"]
    out = chars.assign(
        persons=people[people["unit"].isin(PERSON_UNITS)].groupby(by)["count"].sum(),
        person_times=people[people["unit"] == "人次"].groupby(by)["count"].sum(),
        money_yuan=yuan.groupby(by)["amount_yuan"].sum(),
        n_money=yuan.groupby(by).size(),
        n_vague=amounts[amounts["bound_kind"] == "vague"].groupby(by).size(),
        n_foreign=money[money["currency"] != "CNY"].groupby(by).size(),
        n_per=amounts[(amounts["kind"] == "money") & (amounts["per"].fillna("") != "")].groupby(by).size(),
    )
    counts = ["persons", "person_times", "money_yuan", "n_money", "n_vague", "n_foreign", "n_per"]
    out = out.fillna({c: 0 for c in counts})
    return out.astype({c: int for c in ("n_money", "n_vague", "n_foreign", "n_per")}).reset_index()


TERM_FILE.register(_lookups, _pattern)
