"""Write a synthetic FAERS quarter in the exact FAERS ASCII format, at any size.

The tables (DEMO, DRUG, REAC, OUTC, INDI, THER, RPSR and a DELETE list) have FDA's columns,
``$`` delimiters with a trailing ``$``, lower-case headers, and the field shapes of real
files: ``primaryid`` = ``caseid`` + version digit, ``YYYYMMDD`` / ``YYYYMM`` / ``YYYY`` dates,
ages in several units, role codes PS/SS/C/I, combination products in ``prod_ai`` joined by
``\\``, salts, ``NA`` placeholders, DEMO with CRLF line ends as in 2020Q3. Drug and reaction
frequencies are Zipf-like (a few drugs and terms dominate, a long tail is rare). Some cases
appear in two versions (follow-ups) and about 1% of caseids are listed as deleted.

Sizes per report follow a real quarter (2020Q3: about 400,000 reports, 1.8 million drug rows,
1.3 million reactions, 1.1 million indications)::

    python benchmarks/faers_generate.py OUT_DIR --reports 400000 --quarter 24Q1 --seed 1

With ``--series N`` it writes N consecutive quarters sharing one history instead (follow-up
versions of earlier quarters' cases, deletions of earlier cases, planted signals; the options
of ``benchmarks/faers_series.py``, which does the work)::

    python benchmarks/faers_generate.py OUT_DIR --series 8 --start 24Q1 --reports 50000 --seed 1
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path
from typing import TextIO

DRUGS_PER_REPORT = 4.5
REACTIONS_PER_REPORT = 3.25
INDICATIONS_PER_REPORT = 2.75
OUTCOMES_PER_REPORT = 1.3
THERAPIES_PER_DRUG = 0.5
N_INGREDIENTS = 6000
N_TERMS = 12000
SALTS = ["HYDROCHLORIDE", "SODIUM", "CALCIUM", "MESYLATE", "SULFATE", "ACETATE", "MALEATE"]
ROUTES = ["Oral", "Subcutaneous", "Intravenous (not otherwise specified)", "Topical", "Unknown"]
FORMS = ["TABLET", "CAPSULE", "INJECTION", "SOLUTION", "FILM-COATED TABLET", ""]
UNITS = ["MG", "MG", "MG", "UG", "ML", "G"]
FREQS = ["QD", "BID", "TID", "QW", "/wk", ""]
COUNTRIES = ["US"] * 6 + ["GB", "FR", "DE", "JP", "CA", "IT", "ES", "BR", "CN", "IN"]
SENDERS = ["PFIZER", "NOVARTIS", "JANSSEN", "AMGEN", "ABBVIE", "MERCK", "GSK", "ROCHE", ""]
OCCUPATIONS = ["MD", "CN", "HP", "PH", "OT", "LW", ""]
OUTCOMES = ["OT", "OT", "HO", "HO", "DE", "LT", "DS", "RI", "CA"]
SOURCES = ["FGN", "SDY", "LIT", "CSM", "HP", "UF", "CR", "DT", "OTH"]

DEMO_COLUMNS = (
    "primaryid$caseid$caseversion$i_f_code$event_dt$mfr_dt$init_fda_dt$fda_dt$rept_cod$auth_num$"
    "mfr_num$mfr_sndr$lit_ref$age$age_cod$age_grp$sex$e_sub$wt$wt_cod$rept_dt$to_mfr$occp_cod$"
    "reporter_country$occr_country"
)
DRUG_COLUMNS = (
    "primaryid$caseid$drug_seq$role_cod$drugname$prod_ai$val_vbm$route$dose_vbm$cum_dose_chr$"
    "cum_dose_unit$dechal$rechal$lot_num$exp_dt$nda_num$dose_amt$dose_unit$dose_form$dose_freq$"
)


def words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    """Distinct pronounceable pseudo-words."""
    parts = [
        "ba",
        "ce",
        "di",
        "fo",
        "gu",
        "la",
        "me",
        "ni",
        "po",
        "ru",
        "sa",
        "te",
        "vi",
        "xo",
        "za",
        "mab",
        "tin",
        "pril",
        "zol",
        "cil",
        "lin",
        "par",
        "dex",
        "tor",
        "vir",
    ]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        word = "".join(rng.choice(parts) for _ in range(rng.randint(*syllables)))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def zipf_weights(n: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def date(rng: random.Random, year: int) -> str:
    """A FAERS date, mostly full, sometimes YYYYMM or YYYY."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    shape = rng.random()
    if shape < 0.8:
        return f"{year}{month:02d}{day:02d}"
    if shape < 0.95:
        return f"{year}{month:02d}"
    return str(year)


class Vocabulary:
    """Synthetic ingredients (with brands, salts, combinations) and MedDRA-like terms."""

    def __init__(self, rng: random.Random) -> None:
        names = words(rng, N_INGREDIENTS + N_TERMS, (2, 4))
        self.ingredients = [n.upper() for n in names[:N_INGREDIENTS]]
        self.prod_ai = []
        for i, name in enumerate(self.ingredients):
            if i % 7 == 3:
                name = f"{name} {SALTS[i % len(SALTS)]}"
            if i % 23 == 5:
                name = f"{name}\\{self.ingredients[(i * 7 + 1) % N_INGREDIENTS]}"
            self.prod_ai.append(name)
        self.brands = [n[::-1].upper().capitalize() for n in self.ingredients]
        terms = names[N_INGREDIENTS:]
        suffixes = ["", " disorder", " syndrome", " increased", " decreased", " aggravated"]
        self.terms = [t.capitalize() + suffixes[i % len(suffixes)] for i, t in enumerate(terms)]
        self.drug_weights = zipf_weights(N_INGREDIENTS, 1.05)
        self.term_weights = zipf_weights(N_TERMS, 1.0)


def open_tables(out: Path, quarter: str) -> dict[str, TextIO]:
    """Create ``out`` and open its seven tables for ``quarter`` (``24Q1``), headers written."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, TextIO] = {
        name: (out / f"{name}{quarter}.txt").open("w", encoding="utf-8", newline="")
        for name in ("DEMO", "DRUG", "REAC", "OUTC", "INDI", "THER", "RPSR")
    }
    files["DEMO"].write(DEMO_COLUMNS + "\r\n")
    files["DRUG"].write(DRUG_COLUMNS + "\n")
    files["REAC"].write("primaryid$caseid$pt$drug_rec_act$\n")
    files["OUTC"].write("primaryid$caseid$outc_cod$\n")
    files["INDI"].write("primaryid$caseid$indi_drug_seq$indi_pt$\n")
    files["THER"].write("primaryid$caseid$dsg_drug_seq$start_dt$end_dt$dur$dur_cod$\n")
    files["RPSR"].write("primaryid$caseid$rpsr_cod$\n")
    return files


def write_deleted(out: Path, quarter: str, cases: list[str]) -> None:
    """Write FDA's deleted-case list ``DELETE<quarter>.txt``: a blank first line, ``caseid$``."""
    (out / f"DELETE{quarter}.txt").write_text(" \n" + "".join(f"{c}$\n" for c in cases))


def generate(out: Path, reports: int, quarter: str, seed: int) -> dict[str, int]:
    """Write one quarter to ``out``; return the rows written per table."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    yy, q = quarter[:2], quarter[3]
    year = 2000 + int(yy)
    files = open_tables(out, quarter)
    counts = dict.fromkeys(files, 0)
    cases: list[str] = []
    versions: dict[str, int] = {}
    base_case = 10_000_000 + int(q) * 1_000_000
    for index in range(reports):
        follow_up = index > 0 and rng.random() < 0.05
        if follow_up:
            case = rng.choice(cases[-1000:])
            version = versions[case] + 1
            if version > 9:
                continue
        else:
            case = str(base_case + index * 3 + rng.randint(0, 2))
            cases.append(case)
            version = 1 if rng.random() < 0.6 else rng.randint(1, 8)
        versions[case] = version
        pid = f"{case}{version}"
        write_demo(files["DEMO"], rng, pid, case, version, year)
        counts["DEMO"] += 1
        rows, _, _ = write_report(files, rng, vocab, pid, case, year)
        for name, n in rows.items():
            counts[name] += n
    for handle in files.values():
        handle.close()
    deleted = rng.sample(cases, max(1, len(cases) // 100))
    write_deleted(out, quarter, deleted)
    counts["DELETE"] = len(deleted)
    return counts


def write_demo(
    handle: TextIO, rng: random.Random, pid: str, case: str, version: int, year: int
) -> None:
    """Write the DEMO row of one report (version 1 is an initial report, later ones follow-ups)."""
    age_shape = rng.random()
    if age_shape < 0.15:
        age, unit = "", ""
    elif age_shape < 0.85:
        age, unit = str(rng.randint(18, 90)), "YR"
    elif age_shape < 0.9:
        age, unit = str(rng.randint(1, 9)), "DEC"
    elif age_shape < 0.96:
        age, unit = str(rng.randint(1, 23)), "MON"
    else:
        age, unit = str(rng.randint(1, 51)), rng.choice(["WK", "DY"])
    sex = rng.choice(["F", "F", "F", "M", "M", "UNK", ""])
    weight, wt_unit = ("", "") if rng.random() < 0.6 else (str(rng.randint(40, 120)), "KG")
    if weight and rng.random() < 0.1:
        wt_unit = "LBS"
    fda = date(rng, year)
    fda = fda if len(fda) == 8 else f"{year}0315"
    fields = [
        pid,
        case,
        str(version),
        "I" if version == 1 else "F",
        date(rng, year - 1) if rng.random() < 0.6 else "",
        fda,
        date(rng, year - rng.randint(0, 3)),
        fda,
        rng.choice(["EXP", "EXP", "PER", "DIR"]),
        "",
        f"US-{rng.choice(SENDERS) or 'X'}-{rng.randint(10**9, 10**10)}",
        rng.choice(SENDERS),
        "",
        age,
        unit,
        "",
        sex,
        "Y",
        weight,
        wt_unit,
        fda,
        "",
        rng.choice(OCCUPATIONS),
        rng.choice(COUNTRIES),
        rng.choice(COUNTRIES),
    ]
    handle.write("$".join(fields) + "\r\n")


def draw_drugs(rng: random.Random, vocab: Vocabulary) -> list[int]:
    """The ingredients (indexes into the vocabulary) of a new report, Zipf-distributed."""
    n_drugs = max(1, round(rng.expovariate(1 / DRUGS_PER_REPORT)))
    return rng.choices(range(N_INGREDIENTS), cum_weights=vocab.drug_weights, k=n_drugs)


def draw_reactions(rng: random.Random, vocab: Vocabulary) -> set[int]:
    """The reaction terms (indexes into the vocabulary) of a new report, Zipf-distributed."""
    n_reactions = max(1, round(rng.expovariate(1 / REACTIONS_PER_REPORT)))
    return set(rng.choices(range(N_TERMS), cum_weights=vocab.term_weights, k=n_reactions))


def write_report(
    files: dict[str, TextIO],
    rng: random.Random,
    vocab: Vocabulary,
    pid: str,
    case: str,
    year: int,
    drugs: list[int] | None = None,
    reactions: set[int] | None = None,
) -> tuple[dict[str, int], list[int], set[int]]:
    """Write the DRUG, REAC, INDI, THER, OUTC and RPSR rows of one report.

    ``drugs`` (the first is the primary suspect) and ``reactions`` are drawn when not given.
    Return the rows written per table, the drugs and the reactions.
    """
    chosen = draw_drugs(rng, vocab) if drugs is None else drugs
    n_drugs = len(chosen)
    drug_lines, ther_lines, indi_lines = [], [], []
    for seq, ingredient in enumerate(chosen, start=1):
        role = "PS" if seq == 1 else ("SS" if rng.random() < 0.3 else "C")
        if role == "C" and rng.random() < 0.02:
            role = "I"
        amount = rng.choice(["10", "20", "40", "100", "0.5", ""])
        unit = rng.choice(UNITS) if amount else ""
        freq = rng.choice(FREQS)
        dose = f"{amount} {unit}, {freq}" if amount else "UNK"
        name = vocab.brands[ingredient] if rng.random() < 0.7 else vocab.ingredients[ingredient]
        dechal = rng.choice(["U", "D", "Y", "N", ""])
        rechal = rng.choice(["U", "D", "", ""])
        drug_lines.append(
            f"{pid}${case}${seq}${role}${name.upper()}${vocab.prod_ai[ingredient]}$"
            f"{rng.choice(['1', '2'])}${rng.choice(ROUTES)}${dose}$NA$${dechal}${rechal}$$$"
            f"{rng.randint(10000, 99999)}${amount}${unit}${rng.choice(FORMS)}${freq}$\n"
        )
        if rng.random() < THERAPIES_PER_DRUG:
            start = date(rng, year - rng.randint(0, 4))
            end = rng.choice(["NA", date(rng, year), ""])
            ther_lines.append(f"{pid}${case}${seq}${start}${end}$NA$$\n")
    if reactions is None:
        reactions = draw_reactions(rng, vocab)
    reac_lines = [f"{pid}${case}${vocab.terms[t]}$$\n" for t in sorted(reactions)]
    for seq in range(1, n_drugs + 1):
        if rng.random() < INDICATIONS_PER_REPORT / DRUGS_PER_REPORT:
            term = rng.choices(range(N_TERMS), cum_weights=vocab.term_weights, k=1)[0]
            indi_lines.append(f"{pid}${case}${seq}${vocab.terms[term]}$\n")
    outcomes = sorted(set(rng.choices(OUTCOMES, k=round(rng.expovariate(1 / OUTCOMES_PER_REPORT)))))
    outc_lines = [f"{pid}${case}${code}$\n" for code in outcomes]
    rpsr_lines = [f"{pid}${case}${rng.choice(SOURCES)}$\n"] if rng.random() < 0.03 else []
    for name, lines in (
        ("DRUG", drug_lines),
        ("REAC", reac_lines),
        ("INDI", indi_lines),
        ("THER", ther_lines),
        ("OUTC", outc_lines),
        ("RPSR", rpsr_lines),
    ):
        files[name].writelines(lines)
    counts = {
        "DRUG": len(drug_lines),
        "REAC": len(reac_lines),
        "INDI": len(indi_lines),
        "THER": len(ther_lines),
        "OUTC": len(outc_lines),
        "RPSR": len(rpsr_lines),
    }
    return counts, chosen, reactions


def main() -> None:
    """Command line: see the module docstring (``--series``: see ``faers_series.py``)."""
    if any(arg == "--series" or arg.startswith("--series=") for arg in sys.argv[1:]):
        from faers_series import main as series_main

        series_main()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=400_000)
    parser.add_argument("--quarter", default="24Q1", help="yyQq, e.g. 24Q1")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    counts = generate(args.out, args.reports, args.quarter.upper(), args.seed)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
