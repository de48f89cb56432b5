"""Normalise drug and condition names the way a curator compares them.

Three keys of increasing looseness, each applied to pvkg's names and MeSH's names alike:

* :func:`exact_key`: case, accents, Greek letters and punctuation folded
  (``"TNF-α Inhibitors"`` → ``"tnf alpha inhibitors"``);
* :func:`variant_key`: also British → American spelling, plural → singular, a few stop words
  dropped, and word order ignored, so MeSH's inverted headings match
  (``"Arthritis, Psoriatic"`` ~ ``"psoriatic arthritis"``, ``"Diarrhoea"`` ~ ``"Diarrhea"``);
* :func:`ingredient_key`: for drugs, also salt, ester and hydrate words, strengths, units and
  dose forms removed (``"ATORVASTATIN CALCIUM 20 MG TABLET"`` ~ ``"Atorvastatin"``).

>>> exact_key("Crohn's  Disease")
'crohn s disease'
>>> variant_key("Arthritis, Psoriatic") == variant_key("psoriatic arthritis")
True
>>> variant_key("Oesophageal haemorrhage") == variant_key("Esophageal Hemorrhage")
True
>>> ingredient_key("METFORMIN HYDROCHLORIDE 500 MG") == variant_key("Metformin")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ω": "omega",
}
"""Greek letters spelled out (MeSH writes ``alpha``; labels often use ``α``)."""

STOP_WORDS = frozenset({"of", "the", "nos", "a", "an"})
"""Words dropped from :func:`variant_key` (``NOS`` is MedDRA's "not otherwise specified")."""

SALT_WORDS = frozenset(
    [
        "hydrochloride",
        "dihydrochloride",
        "hcl",
        "hydrobromide",
        "hbr",
        "hydroiodide",
        "hydrate",
        "monohydrate",
        "dihydrate",
        "trihydrate",
        "tetrahydrate",
        "hemihydrate",
        "sesquihydrate",
        "anhydrous",
        "sodium",
        "disodium",
        "trisodium",
        "potassium",
        "dipotassium",
        "calcium",
        "magnesium",
        "sulfate",
        "sulphate",
        "bisulfate",
        "hydrogensulfate",
        "mesylate",
        "mesilate",
        "dimesylate",
        "besylate",
        "besilate",
        "maleate",
        "dimaleate",
        "fumarate",
        "hemifumarate",
        "tartrate",
        "bitartrate",
        "citrate",
        "acetate",
        "diacetate",
        "phosphate",
        "diphosphate",
        "succinate",
        "hyclate",
        "bromide",
        "chloride",
        "iodide",
        "nitrate",
        "lactate",
        "gluconate",
        "propionate",
        "dipropionate",
        "valerate",
        "butyrate",
        "furoate",
        "tosylate",
        "pamoate",
        "stearate",
        "palmitate",
        "decanoate",
        "enanthate",
        "cypionate",
        "undecanoate",
        "benzoate",
        "oxalate",
        "malate",
        "xinafoate",
        "tromethamine",
        "trometamol",
        "meglumine",
        "aspartate",
        "embonate",
        "napsylate",
        "camsylate",
        "edisylate",
        "salt",
        "base",
        "free",
    ]
)
"""Salt, ester, hydrate and counter-ion words stripped from the end of drug names."""

FORM_WORDS = frozenset(
    [
        "mg",
        "mcg",
        "ug",
        "g",
        "kg",
        "ml",
        "l",
        "iu",
        "unit",
        "units",
        "mmol",
        "meq",
        "percent",
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "injection",
        "injectable",
        "solution",
        "suspension",
        "infusion",
        "oral",
        "cream",
        "ointment",
        "gel",
        "lotion",
        "spray",
        "patch",
        "powder",
        "syrup",
        "drops",
        "film",
        "coated",
        "extended",
        "release",
        "delayed",
        "er",
        "xr",
        "sr",
        "cr",
        "la",
        "dr",
        "od",
        "odt",
        "pen",
        "prefilled",
        "syringe",
        "vial",
        "kit",
        "autoinjector",
        "inhaler",
        "inhalation",
        "nasal",
        "topical",
        "ophthalmic",
        "intravenous",
        "iv",
        "sc",
        "subcutaneous",
        "im",
        "intramuscular",
        "transdermal",
        "liquid",
        "elixir",
        "chewable",
        "dispersible",
        "effervescent",
        "modified",
        "immediate",
        "concentrate",
        "emulsion",
        "foam",
        "shampoo",
        "solid",
        "dose",
        "doses",
        "daily",
    ]
)
"""Strength units and dose-form words dropped by :func:`ingredient_key`."""

_COMBINATION = ("\\", "/", "+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"^\d+([.,]\d+)?(mg|mcg|ml|g|iu|%)?$")
_BRITISH = (
    (re.compile(r"ae|oe"), "e"),
    (re.compile(r"(?<=[a-z]{2})our(s?)$"), r"or\1"),
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"ised$"), "ized"),
    (re.compile(r"^sulph"), "sulf"),
    (re.compile(r"(?<=[a-z])sulph"), "sulf"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
    (re.compile(r"yse(s?)$"), r"yze\1"),
)
_WORDS = {
    "aluminium": "aluminum",
    "centre": "center",
    "fibre": "fiber",
    "fibres": "fibers",
    "litre": "liter",
    "metre": "meter",
    "caesarean": "cesarean",
    "mould": "mold",
    "grey": "gray",
}


def exact_key(text: str) -> str:
    """Fold case, accents, Greek letters and punctuation; collapse spaces.

    >>> exact_key("  Tumor Necrosis Factor-α (TNF-α) Inhibitors ")
    'tumor necrosis factor alpha tnf alpha inhibitors'
    """
    if not text.isascii():
        for letter, name in GREEK.items():
            if letter in text:
                text = text.replace(letter, f" {name} ")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", text.lower()).strip()


@lru_cache(maxsize=1 << 17)
def american(word: str) -> str:
    """American spelling of one lower-case word.

    >>> [american(w) for w in ("haemorrhage", "tumour", "anaemia", "sulphate", "four")]
    ['hemorrhage', 'tumor', 'anemia', 'sulfate', 'four']
    >>> american("hypoaesthesia") == american("hypoesthesia") == "hypesthesia"
    True
    """
    if word in _WORDS:
        return _WORDS[word]
    for pattern, replacement in _BRITISH:
        while True:
            changed = pattern.sub(replacement, word)
            if changed == word:
                break
            word = changed
    return word


@lru_cache(maxsize=1 << 17)
def singular(word: str) -> str:
    """A crude singular, the same for both sides of a comparison.

    >>> [singular(w) for w in ("neoplasms", "allergies", "arthritis", "virus", "abscess")]
    ['neoplasm', 'allergy', 'arthritis', 'virus', 'abscess']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        return word[:-1]
    return word


def variant_words(text: str) -> list[str]:
    """The words of :func:`variant_key`, in their original order."""
    return [_variant_word(w) for w in exact_key(text).split() if w not in STOP_WORDS]


@lru_cache(maxsize=1 << 17)
def _variant_word(word: str) -> str:
    return singular(american(word))


def variant_key(text: str) -> str:
    """Key ignoring spelling variants, plurals, stop words and word order.

    >>> variant_key("Tumours of the Skin") == variant_key("Skin Tumors")
    True
    """
    return variant_of_exact(exact_key(text))


def variant_of_exact(key: str) -> str:
    """:func:`variant_key` of a text whose :func:`exact_key` is ``key`` (saves folding twice)."""
    return " ".join(sorted(_variant_word(w) for w in key.split() if w not in STOP_WORDS))


def ingredient_key(text: str) -> str | None:
    """Variant key of a drug name without salt/ester words, strengths and dose forms.

    :return: the key, or ``None`` when nothing was removed or nothing would remain, or the
        name lists several ingredients (FAERS joins them with ``\\``; also ``/`` and ``+``),
        where dropping words could leave the wrong one.

    >>> ingredient_key("Atorvastatin Calcium Trihydrate")
    'atorvastatin'
    >>> ingredient_key("Infliximab") is None, ingredient_key("Sodium") is None
    (True, True)
    >>> ingredient_key("CALCIUM CHLORIDE\\\\SODIUM CHLORIDE") is None
    True
    """
    if any(sep in text for sep in _COMBINATION):
        return None
    words = [w for w in exact_key(text).split() if w not in STOP_WORDS]
    kept = [w for w in words if not _NUMBER.match(w) and w not in FORM_WORDS]
    while len(kept) > 1 and kept[-1] in SALT_WORDS:
        kept.pop()
    if not kept or kept == words:
        return None
    return " ".join(sorted(singular(american(w)) for w in kept))
