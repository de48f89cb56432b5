"""Write a series of synthetic FAERS quarters that share one history, as FDA publishes them.

Each quarter is a complete extract in the exact FAERS ASCII format of
``benchmarks/faers_generate.py`` (its functions write the rows), in a directory named like
pvkg's graph key (``OUT/2024q1``, ``OUT/2024q2``, …; ``pvkg load faers`` reads one of them, or
``OUT`` as a whole). Across the series:

* one vocabulary of ingredients and reaction terms (the generator's seed-derived word lists and
  Zipf frequencies), so that real associations persist from quarter to quarter;
* from the second quarter on, about 20% of each quarter's reports (``--follow-ups``; real
  FAERS: 15–25%) are new versions of cases first reported in earlier quarters — ``caseversion``
  + 1, ``primaryid`` = ``caseid`` + version digit — mostly of the last 1–4 quarters (weights
  45/25/13/7%, the other 10% older); their drugs and reactions repeat the earlier version with
  small changes (a drug or a reaction added or dropped now and then). About 3% more are
  follow-ups of cases of the same quarter;
* each quarter's deleted-case list names about 0.75% as many caseids as it has reports
  (``--deleted``), half of the current quarter's cases and half of earlier quarters';
* a few planted signals (``--signals``, default 3): from quarter ``--signal-from`` on (default
  the middle of the series), ``--signal-rate`` of the new reports (default 0.1%) name a chosen
  mid-frequency drug as primary suspect together with a chosen mid-frequency reaction term, so
  the pair's co-reporting jumps there. They are printed and written to ``OUT/planted.tsv``
  (quarter, ingredient, term and the IRIs pvkg gives the drug and the condition).

Memory does not grow with the series: follow-ups and deletions draw from bounded reservoirs
(50,000 cases per quarter for the last four quarters, 50,000 for all older ones), about 100 MB
at most. Output is deterministic for a seed. Real sizes: ``--reports 400000`` per quarter for
recent years (2020Q3 has about 400,000 reports); 100,000–200,000 for 2004–2012::

    python benchmarks/faers_series.py OUT --series 8 --start 24Q1 --reports 50000 --seed 1
    python benchmarks/faers_generate.py OUT --series 8 --start 24Q1 --reports 50000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

from faers_generate import (  # noqa: E402
    N_INGREDIENTS,
    N_TERMS,
    Vocabulary,
    draw_drugs,
    draw_reactions,
    open_tables,
    write_deleted,
    write_demo,
    write_report,
)

from kg.iris import condition_iri, drug_iri  # noqa: E402
from loaders.faers.normalise import ingredient_names  # noqa: E402

LAG_WEIGHTS = (0.45, 0.25, 0.13, 0.07)
"""Weights of follow-ups of cases of 1, 2, 3 and 4 quarters before."""
OLDER_WEIGHT = 0.10
"""Weight of follow-ups of cases older than four quarters."""
SAME_QUARTER_RATE = 0.03
POOL_CAPACITY = 50_000
FIRST_CASE = 10_000_000
MAX_VERSION = 9


@dataclass(slots=True)
class Case:
    """The latest version of a case, as far as follow-ups need it."""

    caseid: str
    version: int
    drugs: tuple[int, ...]
    reactions: tuple[int, ...]


@dataclass
class Reservoir:
    """A bounded uniform sample of the cases offered (reservoir sampling); cases can be taken."""

    capacity: int
    items: list[Case] = field(default_factory=list)
    seen: int = 0

    def add(self, rng: random.Random, case: Case) -> None:
        """Offer a case: kept with probability capacity / cases offered so far."""
        self.seen += 1
        if len(self.items) < self.capacity:
            self.items.append(case)
            return
        slot = rng.randrange(self.seen)
        if slot < self.capacity:
            self.items[slot] = case

    def take(self, rng: random.Random) -> Case:
        """Remove and return a random case (the reservoir must not be empty)."""
        index = rng.randrange(len(self.items))
        self.items[index], self.items[-1] = self.items[-1], self.items[index]
        return self.items.pop()


@dataclass(frozen=True)
class Planted:
    """A drug–term pair co-reported at ``rate`` of the new reports from ``start`` on."""

    start: int
    drug: int
    term: int
    rate: float


@dataclass(frozen=True)
class Settings:
    """What a series looks like besides its size."""

    follow_up_rate: float = 0.20
    delete_rate: float = 0.0075
    signals: int = 3
    signal_from: int | None = None
    signal_rate: float = 0.001


def quarters(start: str, count: int) -> Iterator[tuple[int, int]]:
    """(year, quarter) of ``count`` quarters from ``start`` (``24Q1``).

    >>> list(quarters("24Q3", 3))
    [(2024, 3), (2024, 4), (2025, 1)]
    """
    year, quarter = 2000 + int(start[:2]), int(start.upper().split("Q")[1])
    for _ in range(count):
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def choose_planted(rng: random.Random, count: int, start: int, rate: float) -> list[Planted]:
    """Distinct mid-frequency drugs (Zipf ranks 100–999; no salt, no combination) and terms."""
    drugs = [i for i in range(100, min(1000, N_INGREDIENTS)) if i % 23 != 5 and i % 7 != 3]
    chosen_drugs = rng.sample(drugs, count)
    chosen_terms = rng.sample(range(100, min(1000, N_TERMS)), count)
    return [Planted(start, d, t, rate) for d, t in zip(chosen_drugs, chosen_terms, strict=True)]


class Series:
    """The state carried from quarter to quarter: vocabulary, case pools, next caseid."""

    def __init__(self, seed: int, settings: Settings, n_quarters: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        self.settings = settings
        start = settings.signal_from if settings.signal_from is not None else n_quarters // 2
        self.planted = choose_planted(self.rng, settings.signals, start, settings.signal_rate)
        self.earlier: deque[Reservoir] = deque()
        self.older = Reservoir(POOL_CAPACITY)
        self.next_case = 0

    def _source(self) -> Reservoir | None:
        """The pool a follow-up of an earlier quarter's case is drawn from (None: no case)."""
        pools = [*self.earlier, self.older]
        weights = [*LAG_WEIGHTS[: len(self.earlier)], OLDER_WEIGHT]
        usable = [(p, w) for p, w in zip(pools, weights, strict=True) if p.items]
        if not usable:
            return None
        return self.rng.choices([p for p, _ in usable], [w for _, w in usable])[0]

    def _revise(self, case: Case) -> tuple[list[int], set[int]]:
        """A follow-up's drugs and reactions: the earlier version's, with small changes."""
        rng = self.rng
        drugs, reactions = list(case.drugs), set(case.reactions)
        change = rng.random()
        if change < 0.15:
            drugs.append(draw_drugs(rng, self.vocab)[0])
        elif change < 0.25 and len(drugs) > 1:
            drugs.pop(rng.randrange(1, len(drugs)))
        change = rng.random()
        if change < 0.25:
            reactions |= draw_reactions(rng, self.vocab)
        elif change < 0.35 and len(reactions) > 1:
            reactions.discard(rng.choice(sorted(reactions)))
        return drugs, reactions

    def _new_case(self, index: int) -> tuple[Case, list[int], set[int], int]:
        rng = self.rng
        caseid = str(FIRST_CASE + self.next_case * 3 + rng.randint(0, 2))
        self.next_case += 1
        version = 1 if rng.random() < 0.6 else rng.randint(1, 8)
        drugs, reactions = draw_drugs(rng, self.vocab), draw_reactions(rng, self.vocab)
        planted = 0
        for signal in self.planted:
            if index >= signal.start and rng.random() < signal.rate:
                drugs = [signal.drug, *(d for d in drugs if d != signal.drug)]
                reactions.add(signal.term)
                planted += 1
        return Case(caseid, version, (), ()), drugs, reactions, planted

    def _follow_up(self, current: Reservoir, index: int) -> Case | None:
        rng = self.rng
        if index > 0 and rng.random() < self.settings.follow_up_rate:
            pool = self._source()
        elif current.items and rng.random() < SAME_QUARTER_RATE:
            pool = current
        else:
            return None
        if pool is None:
            return None
        case = pool.take(rng)
        return case if case.version < MAX_VERSION else None

    def write_quarter(
        self, out: Path, year: int, quarter: int, index: int, reports: int
    ) -> dict[str, int]:
        """Write quarter ``index`` of the series to ``out``; return its counts."""
        rng, label = self.rng, f"{year % 100:02d}Q{quarter}"
        files = open_tables(out, label)
        counts = dict.fromkeys([*files, "follow_ups", "planted"], 0)
        current = Reservoir(POOL_CAPACITY)
        for _ in range(reports):
            earlier = self._follow_up(current, index)
            if earlier is None:
                case, drugs, reactions, planted = self._new_case(index)
                counts["planted"] += planted
            else:
                drugs, reactions = self._revise(earlier)
                case = Case(earlier.caseid, earlier.version + 1, (), ())
                counts["follow_ups"] += 1
            pid = f"{case.caseid}{case.version}"
            write_demo(files["DEMO"], rng, pid, case.caseid, case.version, year)
            counts["DEMO"] += 1
            rows, drugs, reactions = write_report(
                files, rng, self.vocab, pid, case.caseid, year, drugs, reactions
            )
            for name, n in rows.items():
                counts[name] += n
            case.drugs, case.reactions = tuple(drugs), tuple(sorted(reactions))
            current.add(rng, case)
        for handle in files.values():
            handle.close()
        own, earlier_cases = self._deletions(current, reports)
        write_deleted(out, label, own + earlier_cases)
        counts["deleted_own"], counts["deleted_earlier"] = len(own), len(earlier_cases)
        self._advance(current)
        return counts

    def _deletions(self, current: Reservoir, reports: int) -> tuple[list[str], list[str]]:
        """Caseids to list as deleted: half of this quarter's cases, half of earlier ones."""
        total = max(1, round(reports * self.settings.delete_rate))
        earlier = []
        for _ in range(total // 2):
            pool = self._source()
            if pool is None:
                break
            earlier.append(pool.take(self.rng).caseid)
        own = [
            current.take(self.rng).caseid
            for _ in range(min(total - len(earlier), len(current.items)))
        ]
        return own, earlier

    def _advance(self, current: Reservoir) -> None:
        """The quarter written becomes lag 1; cases beyond lag 4 join the older pool."""
        self.earlier.appendleft(current)
        if len(self.earlier) > len(LAG_WEIGHTS):
            for case in self.earlier.pop().items:
                self.older.add(self.rng, case)


def write_planted(out: Path, series: Series, keys: Sequence[str]) -> list[dict[str, str]]:
    """Write ``OUT/planted.tsv`` (one line per planted signal) and return its rows.

    The drug's IRI is the one pvkg's FAERS loader gives the ingredient (its active moiety).
    """
    rows = []
    for signal in series.planted:
        ingredient = series.vocab.ingredients[signal.drug]
        term = series.vocab.terms[signal.term]
        rows.append(
            {
                "from_quarter": keys[signal.start] if signal.start < len(keys) else "never",
                "ingredient": ingredient,
                "term": term,
                "drug": drug_iri(ingredient_names(ingredient, "")[0]).value,
                "condition": condition_iri(term).value,
                "rate": str(signal.rate),
            }
        )
    columns = ["from_quarter", "ingredient", "term", "drug", "condition", "rate"]
    lines = ["\t".join(columns)] + ["\t".join(row[c] for c in columns) for row in rows]
    (out / "planted.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def generate_series(
    out: Path, n_quarters: int, start: str, reports: int, seed: int, settings: Settings = Settings()
) -> tuple[list[dict[str, int]], list[dict[str, str]]]:
    """Write ``n_quarters`` quarters from ``start`` to ``out/<yyyy>q<n>``.

    :return: the counts of each quarter (tables, follow-ups, planted reports, deletions) and
        the planted signals (as in ``planted.tsv``).
    """
    series = Series(seed, settings, n_quarters)
    out.mkdir(parents=True, exist_ok=True)
    keys = [f"{year}q{quarter}" for year, quarter in quarters(start, n_quarters)]
    planted = write_planted(out, series, keys)
    counts = []
    for index, (year, quarter) in enumerate(quarters(start, n_quarters)):
        counts.append(series.write_quarter(out / keys[index], year, quarter, index, reports))
    return counts, planted


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--series", "--quarters", dest="quarters", type=int, default=8)
    parser.add_argument("--start", default="24Q1", help="first quarter, yyQq (default 24Q1)")
    parser.add_argument("--reports", type=int, default=50_000, help="reports per quarter")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--follow-ups", type=float, default=Settings.follow_up_rate)
    parser.add_argument("--deleted", type=float, default=Settings.delete_rate)
    parser.add_argument("--signals", type=int, default=Settings.signals)
    parser.add_argument("--signal-from", help="quarter (yyQq) the planted signals start")
    parser.add_argument("--signal-rate", type=float, default=Settings.signal_rate)
    args = parser.parse_args(argv)
    keys = [f"{y % 100:02d}Q{q}" for y, q in quarters(args.start, args.quarters)]
    signal_from = None
    if args.signal_from:
        if args.signal_from.upper() not in keys:
            parser.error(f"--signal-from {args.signal_from} is not in the series {keys}")
        signal_from = keys.index(args.signal_from.upper())
    settings = Settings(args.follow_ups, args.deleted, args.signals, signal_from, args.signal_rate)
    counts, planted = generate_series(
        args.out, args.quarters, args.start, args.reports, args.seed, settings
    )
    for key, quarter in zip(keys, counts, strict=True):
        print(key, " ".join(f"{k}={v}" for k, v in quarter.items()))
    for row in planted:
        print("planted", "\t".join(row.values()))


if __name__ == "__main__":
    main()
