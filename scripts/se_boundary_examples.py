#!/usr/bin/env python3
"""Writes rules/se/gränsfall.regel: boundary examples for every Swedish threshold and every date
on which one changes.

The expected outcomes here are written from the reference tables (../shared/reference/law-se.md)
and the statute's reading the rule files document, independently of the engine: the examples
check the rule files, not the other way round. Edit the tables below and run
`python3 scripts/se_boundary_examples.py` when a threshold changes.
"""

from datetime import date, timedelta
from pathlib import Path

# Each table: (first day, value or (low, high) for a range, last day). The January windows before
# each period's tillkännagivande took effect (2016, 2018, 2020, 2022, 2024) are ranges between the
# old and the new amount (law-update-2026.md §2.2); where the day it took effect is not seen
# (2018, 2024) the window ends the day before it was decided or issued.
D = date


def windows(amounts, *, until_2022=False):
    """A table from the period amounts (2016-17, 2018-19, 2020-21, 2022-23, 2024-25 and the 2026
    range), with the January windows as ranges between neighbours."""
    a16, a18, a20, a22, a24, a26 = amounts
    rows = [
        (D(2016, 2, 2), a16, D(2017, 12, 31)),
        (D(2018, 1, 1), (a16, a18), D(2018, 1, 24)),
        (D(2018, 1, 25), a18, D(2019, 12, 31)),
        (D(2020, 1, 1), (a18, a20), D(2020, 1, 20)),
        (D(2020, 1, 21), a20, D(2021, 12, 31)),
        (D(2022, 1, 1), (a20, a22), D(2022, 3, 15)),
        (D(2022, 3, 16), a22, D(2023, 12, 31)),
        (D(2024, 1, 1), (a22, a24), D(2024, 1, 31)),
        (D(2024, 2, 1), a24, D(2025, 12, 31)),
        (D(2026, 1, 1), a26, D(2027, 12, 31)),
    ]
    return rows


def lo(v):
    return v[0] if isinstance(v, tuple) else v


def hi(v):
    return v[1] if isinstance(v, tuple) else v


def joined(a, b):
    """The range that holds both values."""
    return (min(lo(a), lo(b)), max(hi(a), hi(b)))


def with_2014(a14, rows):
    return [
        (D(2014, 7, 1), a14, D(2015, 12, 31)),
        (D(2016, 1, 1), joined(a14, rows[0][1]), D(2016, 2, 1)),
    ] + rows


def fix_windows(rows):
    """Window ranges that join the ranges of their neighbours exactly."""
    out = []
    for i, (start, value, end) in enumerate(rows):
        if isinstance(value, tuple) and 0 < i < len(rows) - 1 and (end - start).days < 80:
            value = joined(rows[i - 1][1], rows[i + 1][1])
        out.append((start, value, end))
    return out


LOU_DIRECT = [
    (D(2014, 7, 1), 505_800, D(2015, 12, 31)),
    (D(2016, 1, 1), (505_800, 534_890), D(2016, 2, 1)),
    (D(2016, 2, 2), 534_890, D(2017, 12, 31)),
    (D(2018, 1, 1), (534_890, 586_907), D(2018, 1, 24)),
    (D(2018, 1, 25), 586_907, D(2019, 12, 31)),
    (D(2020, 1, 1), (586_907, 615_312), D(2020, 1, 20)),
    (D(2020, 1, 21), 615_312, D(2021, 12, 31)),
    (D(2022, 1, 1), (615_312, 626_285), D(2022, 1, 31)),
    (D(2022, 2, 1), 700_000, D(2027, 12, 31)),
]
LOU_SUBCENTRAL = fix_windows(with_2014(1_806_427, windows((1_910_323, 2_096_097, 2_197_545, 2_236_731, 2_389_585, (2_268_000, 2_592_000)))))
LOU_CENTRAL = fix_windows(with_2014(1_169_378, windows((1_233_941, 1_365_782, 1_427_377, 1_456_476, 1_546_202, (1_470_000, 1_680_000)))))
WORKS = fix_windows(with_2014(45_256_666, windows((47_758_068, 52_620_561, 54_938_615, 55_991_099, 59_880_179, (56_742_000, 64_848_000)))))
ANNEX_2 = fix_windows([(D(2017, 1, 1), (6_855_225, 6_855_226), D(2017, 12, 31))] + windows(((6_855_225, 6_855_226), 7_113_450, 7_701_675, 7_802_550, 8_109_450, (7_875_000, 9_000_000)))[1:])
WELFARE = [
    (D(2019, 1, 1), 1_991_766, D(2019, 12, 31)),
    (D(2020, 1, 1), (1_991_766, 2_156_469), D(2020, 1, 20)),
    (D(2020, 1, 21), 2_156_469, D(2021, 12, 31)),
    (D(2022, 1, 1), (2_156_469, 2_184_714), D(2022, 1, 31)),
]
LUF_DIRECT = [
    (D(2014, 7, 1), 939_342, D(2015, 12, 31)),
    (D(2016, 1, 1), (939_342, 993_368), D(2016, 2, 1)),
    (D(2016, 2, 2), 993_368, D(2017, 12, 31)),
    (D(2018, 1, 1), (993_368, 1_092_436), D(2018, 1, 24)),
    (D(2018, 1, 25), 1_092_436, D(2019, 12, 31)),
    (D(2020, 1, 1), (1_092_436, 1_142_723), D(2020, 1, 20)),
    (D(2020, 1, 21), 1_142_723, D(2021, 12, 31)),
    (D(2022, 1, 1), (1_142_723, 1_165_805), D(2022, 1, 31)),
    (D(2022, 2, 1), 1_200_000, D(2027, 12, 31)),
]
LUF_GOODS = fix_windows(with_2014(3_612_854, windows((3_820_645, 4_201_678, 4_395_089, 4_483_865, 4_789_982, (4_536_000, 5_184_000)))))
LUK_DIRECT = [
    (D(2017, 1, 1), (2_387_903, 2_387_904), D(2017, 12, 31)),
    (D(2018, 1, 1), (2_387_903, 2_631_028), D(2018, 1, 24)),
    (D(2018, 1, 25), 2_631_028, D(2019, 12, 31)),
    (D(2020, 1, 1), (2_631_028, 2_746_930), D(2020, 1, 20)),
    (D(2020, 1, 21), 2_746_930, D(2021, 12, 31)),
    (D(2022, 1, 1), (2_746_930, 2_799_554), D(2022, 3, 15)),
    (D(2022, 3, 16), 2_799_554, D(2023, 12, 31)),
    (D(2024, 1, 1), (2_799_554, 2_994_009), D(2024, 1, 31)),
    (D(2024, 2, 1), (2_994_008, 2_994_009), D(2025, 12, 31)),
    (D(2026, 1, 1), (2_837_100, 3_242_400), D(2027, 12, 31)),
]
LUK_THRESHOLD = fix_windows([(D(2017, 1, 1), 47_758_068, D(2017, 12, 31))] + windows((47_758_068, 52_620_561, 54_938_615, 55_991_099, 59_880_179, (56_742_000, 64_848_000)))[1:])


def lou_advertised(day):
    if day < date(2017, 1, 1):
        return "förenklat_förfarande_15_kap"
    if day < date(2022, 2, 1):
        return "förenklat_förfarande_19_kap"
    return "annonserad_upphandling_19_kap"


def lou_eu(day):
    return "eu_upphandling_äldre_lou" if day < date(2017, 1, 1) else "eu_upphandling_6_kap"


def value_at(table, day):
    for start, value, end in table:
        if start <= day <= end:
            return value
    return None


def kr(n):
    return f"{n:,}".replace(",", " ")


def middle(day):
    """A day well inside the period that contains `day`, away from both ends."""
    return day


class Writer:
    def __init__(self):
        self.out = []
        self.titles = set()

    def example(self, title, facts, expect):
        assert title not in self.titles, title
        self.titles.add(title)
        lines = [f'example "{title}"']
        for fact, value in facts:
            lines.append(f"  given {fact} = {value}")
        lines.append(f"  expect {expect}")
        self.out.append("\n".join(lines))


def threshold_family(w, name, table, facts_for, outcome):
    """Under, at and over each value; the day before and the day of each change.

    `outcome(day, amount)` gives the expected outcome of a case of `amount` on `day`, written
    from the table (None when the example would be meaningless)."""
    for start, value, end in table:
        day = start + (end - start) // 2 if (end - start).days > 60 else start + timedelta(days=10)
        day = min(max(day, start), end)
        if isinstance(value, tuple):
            low, high = value
            cases = [(low - 1, "under spannet"), (high + 1, "över spannet")]
            if high - low >= 2:
                cases.append(((low + high) // 2, "inom spannet"))
        else:
            cases = [(value - 1, "en krona under"), (value, "exakt"), (value + 1, "en krona över")]
        for amount, label in cases:
            expect = outcome(day, amount)
            if expect:
                w.example(f"{name} {day}: {kr(amount)} kr ({label})", facts_for(day, amount), expect)
    for (_, old, _), (start, new, _) in zip(table, table[1:]):
        old_hi = old[1] if isinstance(old, tuple) else old
        new_lo = new[0] if isinstance(new, tuple) else new
        old_lo = old[0] if isinstance(old, tuple) else old
        new_hi = new[1] if isinstance(new, tuple) else new
        before = start - timedelta(days=1)
        if new_lo > old_hi:
            amount = (old_hi + new_lo) // 2
        elif old_lo > new_hi:
            amount = (new_hi + old_lo) // 2
        else:
            # Overlapping: a January window opens or closes. An amount between the ends that
            # differ is decided on one side of the change and undecided on the other.
            amount = window_amount(old, new, lambda a: outcome(before, a) != outcome(start, a))
            if amount is None:
                continue
            for day, label in ((before, "dagen före"), (start, "första dagen")):
                expect = outcome(day, amount)
                if expect:
                    w.example(f"{name}: {kr(amount)} kr {day} ({label} med {shown(new)})", facts_for(day, amount), expect)
            continue
        for day, label in ((before, "dagen före"), (start, "första dagen")):
            expect = outcome(day, amount)
            if expect:
                w.example(f"{name}: {kr(amount)} kr {day} ({label} med {kr(new_lo)} kr)", facts_for(day, amount), expect)


def shown(value):
    """A value or a range in words, for an example's title."""
    if isinstance(value, tuple):
        return f"{kr(value[0])}–{kr(value[1])} kr"
    return f"{kr(value)} kr"


def window_amount(old, new, differs):
    """An amount strictly between two neighbouring ends of the old and the new value for which
    `differs` holds (the outcome changes with the day), or None."""
    ends = sorted({lo(old), hi(old), lo(new), hi(new)})
    for a, b in zip(ends, ends[1:]):
        if b - a >= 2 and differs((a + b) // 2):
            return (a + b) // 2
    return None


def compare(table, day, amount):
    """-1 below, 0 at (or inside a range), 1 above the value in force."""
    value = value_at(table, day)
    if value is None:
        return None
    low, high = value if isinstance(value, tuple) else (value, value)
    if amount < low:
        return -1
    if amount > high:
        return 1
    return 0


def main():
    w = Writer()

    def goods(kind):
        return lambda day, amount: [
            ("date", day), ("buyer.kind", kind), ("purchase.category", "goods"), ("purchase.value", f"{kr(amount)} SEK")
        ]

    def lou_direct_outcome(day, amount):
        c = compare(LOU_DIRECT, day, amount)
        if c is None:
            return None
        if c < 0:
            return "allowed with obligations"
        if c == 0:
            return "undecided"
        return f"not allowed, requires {lou_advertised(day)}"

    threshold_family(w, "LOU direktupphandlingsgräns", LOU_DIRECT, goods("kommun"), lou_direct_outcome)

    def eu_outcome(table):
        def outcome(day, amount):
            c = compare(table, day, amount)
            if c is None or compare(LOU_DIRECT, day, amount) != 1:
                return None
            if c == 0 and value_at(table, day) is not None and isinstance(value_at(table, day), tuple):
                return "undecided"
            return f"not allowed, requires {lou_eu(day) if c >= 0 else lou_advertised(day)}"
        return outcome

    threshold_family(w, "LOU tröskelvärde övriga", LOU_SUBCENTRAL, goods("kommun"), eu_outcome(LOU_SUBCENTRAL))
    threshold_family(w, "LOU tröskelvärde statliga", LOU_CENTRAL, goods("statlig_myndighet"), eu_outcome(LOU_CENTRAL))

    def works(day, amount):
        return [("date", day), ("buyer.kind", "region"), ("purchase.category", "works"), ("purchase.value", f"{kr(amount)} SEK")]

    threshold_family(w, "LOU tröskelvärde bygg", WORKS, works, eu_outcome(WORKS))

    def annex2(day, amount):
        return [("date", day), ("buyer.kind", "region"), ("purchase.category", "services"),
                ("purchase.cpv", "92000000"), ("purchase.value", f"{kr(amount)} SEK")]

    def annex2_outcome(day, amount):
        c = compare(ANNEX_2, day, amount)
        if c is None:
            return None
        if isinstance(value_at(ANNEX_2, day), tuple) and c == 0:
            return "undecided"
        if day >= date(2022, 2, 1):
            return "allowed with obligations" if c < 0 else "not allowed, requires bilaga_2_annonsering_eu"
        if compare(LOU_DIRECT, day, amount) != 1:
            return None
        return "not allowed, requires " + ("förenklat_förfarande_19_kap" if c < 0 else "bilaga_2_annonsering_eu_före_2022")

    threshold_family(w, "LOU bilaga 2", ANNEX_2, annex2, annex2_outcome)

    def welfare(day, amount):
        return [("date", day), ("buyer.kind", "kommun"), ("purchase.category", "services"),
                ("purchase.cpv", "85311000"), ("purchase.value", f"{kr(amount)} SEK")]

    def welfare_outcome(day, amount):
        c = compare(WELFARE, day, amount)
        if c is None or compare(LOU_DIRECT, day, amount) != 1:
            return None
        if isinstance(value_at(WELFARE, day), tuple) and c == 0:
            return "undecided"
        return "allowed with obligations" if c < 0 else "not allowed, requires förenklat_förfarande_19_kap"

    threshold_family(w, "LOU välfärdstjänster", WELFARE, welfare, welfare_outcome)
    # The welfare rule ends on 2022-01-31; from 2022-02-01 the bilaga 2 rule takes over.
    w.example("LOU välfärdstjänster 2022-01-31: 2 184 714 kr (sista dagen för bilaga 2 a)", welfare(date(2022, 1, 31), 2_184_714),
              "not allowed, requires förenklat_förfarande_19_kap")
    w.example("LOU välfärdstjänster 2022-02-01: 2 184 714 kr (bilaga 2 gäller)", welfare(date(2022, 2, 1), 2_184_714),
              "allowed with obligations")

    def luf(sector):
        return lambda day, amount: [
            ("date", day), ("buyer.kind", "kommunalt_bolag"), ("purchase.sector", sector), ("purchase.category", "goods"),
            ("purchase.value", f"{kr(amount)} SEK")
        ]

    def luf_direct_outcome(procedure):
        def outcome(day, amount):
            c = compare(LUF_DIRECT, day, amount)
            if c is None:
                return None
            if c < 0:
                return "allowed with obligations"
            if isinstance(value_at(LUF_DIRECT, day), tuple) and c == 0:
                return "undecided"
            return f"not allowed, requires {procedure}"
        return outcome

    threshold_family(w, "LUF direktupphandlingsgräns", LUF_DIRECT, luf("utilities"), luf_direct_outcome("annonserad_upphandling_luf"))
    threshold_family(w, "LUFS direktupphandlingsgräns", LUF_DIRECT, luf("defence_security"), luf_direct_outcome("annonserad_upphandling_lufs"))

    def luf_threshold_outcome(below, above):
        def outcome(day, amount):
            c = compare(LUF_GOODS, day, amount)
            if c is None:
                return None
            if isinstance(value_at(LUF_GOODS, day), tuple) and c == 0:
                return "undecided"
            return f"not allowed, requires {above if c >= 0 else below}"
        return outcome

    threshold_family(w, "LUF tröskelvärde", LUF_GOODS, luf("utilities"), luf_threshold_outcome("annonserad_upphandling_luf", "eu_upphandling_luf"))

    def concession(day, amount):
        return [("date", day), ("buyer.kind", "kommun"), ("purchase.concession", "true"), ("purchase.category", "services"),
                ("purchase.value", f"{kr(amount)} SEK")]

    def luk_direct_outcome(day, amount):
        c = compare(LUK_DIRECT, day, amount)
        if c is None:
            return None
        if c < 0:
            return "allowed with obligations"
        if isinstance(value_at(LUK_DIRECT, day), tuple) and c == 0:
            return "undecided"
        return "not allowed, requires annonserad_upphandling_luk"

    threshold_family(w, "LUK direktupphandlingsgräns", LUK_DIRECT, concession, luk_direct_outcome)

    def luk_threshold_outcome(day, amount):
        c = compare(LUK_THRESHOLD, day, amount)
        if c is None:
            return None
        if isinstance(value_at(LUK_THRESHOLD, day), tuple) and c == 0:
            return "undecided"
        return "not allowed, requires " + ("eu_upphandling_luk" if c >= 0 else "annonserad_upphandling_luk")

    threshold_family(w, "LUK tröskelvärde", LUK_THRESHOLD, concession, luk_threshold_outcome)

    header = (
        "# Gränsfall: generated by scripts/se_boundary_examples.py from the reference tables; do not\n"
        "# edit by hand. For every Swedish threshold: one krona under, at and over each value (inside\n"
        "# and outside each range), and the day before and the day of every change.\n\n"
        "jurisdiction SE\n\n"
    )
    path = Path(__file__).resolve().parent.parent / "rules" / "se" / "gränsfall.regel"
    path.write_text(header + "\n\n".join(w.out) + "\n", encoding="utf-8")
    print(f"wrote {len(w.out)} examples to {path}")


if __name__ == "__main__":
    main()
