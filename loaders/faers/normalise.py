"""Normalising FAERS field values: dates, ages, weights, codes, drug and reaction names.

Drug names are read by :mod:`loaders.drugnames` (active moieties, rule table).

Each function takes the raw text of one field and returns the normalised value, ``None`` when
the field is empty, or raises :class:`ValueError` with a short reason when the value is
malformed (the caller records a rejects entry and leaves the field out).

>>> faers_date("20200928"), faers_date("202009"), faers_date("2020")
(('2020-09-28', 'date'), ('2020-09', 'gYearMonth'), ('2020', 'gYear'))
>>> faers_date("20141226.0"), age_in_years("61.0", "YR")
(('2014-12-26', 'date'), '61')
>>> age_in_years("18", "MON")
'1.5'
>>> ingredient_names("ACETAMINOPHEN\\\\HYDROCODONE BITARTRATE", "NORCO")
['acetaminophen', 'hydrocodone']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache, wraps

from kg.iris import slug
from loaders.drugnames import Moiety as Moiety
from loaders.drugnames import clean_name as clean_name
from loaders.drugnames import ingredients as ingredients

AGE_UNITS_IN_YEARS = {
    "DEC": Decimal(10),
    "YR": Decimal(1),
    "MON": Decimal(1) / Decimal(12),
    "WK": Decimal(7) / Decimal("365.25"),
    "DY": Decimal(1) / Decimal("365.25"),
    "HR": Decimal(1) / Decimal("8766"),
    "MIN": Decimal(1) / Decimal("525960"),
}
"""FAERS ``age_cod`` units and their length in years."""

WEIGHT_UNITS_IN_KG = {"KG": Decimal(1), "LBS": Decimal("0.45359237"), "GMS": Decimal("0.001")}
"""FAERS ``wt_cod`` units and their mass in kilograms."""

REPORT_TYPES = frozenset({"EXP", "PER", "DIR", "5DAY", "30DAY", "PERIODIC"})
OCCUPATIONS = frozenset({"MD", "PH", "OT", "LW", "CN", "HP"})
REPORT_SOURCES = frozenset({"FGN", "SDY", "LIT", "CSM", "HP", "UF", "CR", "DT", "OTH"})
FOLLOW_UP = frozenset({"I", "F"})
SEXES = {"F": "Female", "M": "Male", "UNK": "SexUnknown", "NS": "SexUnknown"}

MISSING = frozenset({"NA", "N/A", "UNK"})
"""Placeholders FAERS uses for a value that is not available; read as empty."""

_DATE = re.compile(r"^(\d{4})(\d{2})?(\d{2})?(?:\.0+)?$")
"""``YYYYMMDD``, ``YYYYMM`` or ``YYYY``; a trailing ``.0`` (a dataframe tool's re-save) is read."""
_TWO_DP = Decimal("0.01")
_THREE_DP = Decimal("0.001")


def faers_date(text: str) -> tuple[str, str] | None:
    """A FAERS date (``YYYYMMDD``, ``YYYYMM`` or ``YYYY``) as (lexical form, XSD type name).

    ``NA`` (FAERS' "not available") reads as empty. Results are cached (dates repeat a lot).

    :raises ValueError: if the text is not such a date or names an impossible day.
    """
    value, error = _cached_date(text)
    if error:
        raise ValueError(error)
    return value


@lru_cache(maxsize=131072)
def _cached_date(text: str) -> tuple[tuple[str, str] | None, str]:
    try:
        return _parse_date(text), ""
    except ValueError as error:
        return None, str(error)


def _parse_date(text: str) -> tuple[str, str] | None:
    """A FAERS date (``YYYYMMDD``, ``YYYYMM`` or ``YYYY``) as (lexical form, XSD type name).

    ``NA`` (FAERS' "not available") reads as empty.

    :raises ValueError: if the text is not such a date or names an impossible day.
    """
    text = text.strip()
    if not text or text.upper() in MISSING:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not a date (YYYYMMDD, YYYYMM or YYYY): {text[:20]!r}")
    year, month, day = match.groups()
    if not 1900 <= int(year) <= 2100:
        raise ValueError(f"year out of range: {text!r}")
    if month is None:
        return year, "gYear"
    if not 1 <= int(month) <= 12:
        raise ValueError(f"no such month: {text!r}")
    if day is None:
        return f"{year}-{month}", "gYearMonth"
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"no such day: {text!r}") from None
    return f"{year}-{month}-{day}", "date"


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {text[:20]!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} is not a non-negative number: {text[:20]!r}")
    return value


def _remembered(parse: Callable[[str, str], str | None]) -> Callable[[str, str], str | None]:
    """``parse`` with its answers remembered, errors included (the same values recur a lot)."""

    @lru_cache(maxsize=65536)
    def answer(value: str, unit: str) -> tuple[str | None, str]:
        try:
            return parse(value, unit), ""
        except ValueError as error:
            return None, str(error)

    @wraps(parse)
    def remembered(value: str, unit: str) -> str | None:
        result, error = answer(value, unit)
        if error:
            raise ValueError(error)
        return result

    return remembered


@_remembered
def age_in_years(age: str, unit: str) -> str | None:
    """Age in years (two decimals, trailing zeros dropped) from ``age`` and ``age_cod``.

    :raises ValueError: for a non-numeric age, an unknown unit or an age over 150 years.
    """
    age, unit = age.strip(), unit.strip().upper()
    if not age:
        return None
    value = _number(age, "age")
    if not unit:
        raise ValueError("age without a unit (age_cod)")
    factor = AGE_UNITS_IN_YEARS.get(unit)
    if factor is None:
        raise ValueError(f"unknown age unit {unit!r}")
    years = (value * factor).quantize(_TWO_DP)
    if years > 150:
        raise ValueError(f"age over 150 years: {age} {unit}")
    return _plain(years)


@_remembered
def weight_in_kg(weight: str, unit: str) -> str | None:
    """Body weight in kilograms (three decimals at most) from ``wt`` and ``wt_cod``.

    :raises ValueError: for a non-numeric weight or an unknown unit.
    """
    weight, unit = weight.strip(), unit.strip().upper()
    if not weight:
        return None
    value = _number(weight, "weight")
    factor = WEIGHT_UNITS_IN_KG.get(unit or "KG")
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}")
    return _plain((value * factor).quantize(_THREE_DP))


def decimal_text(text: str) -> str | None:
    """A non-negative decimal as canonical text (``dose_amt``).

    :raises ValueError: if the text is not a number.
    """
    text = text.strip()
    if not text:
        return None
    return _plain(_number(text, "amount"))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


def code(text: str, allowed: frozenset[str], what: str) -> str | None:
    """An upper-cased code checked against ``allowed``.

    :raises ValueError: if the code is not one of them.
    """
    value = text.strip().upper()
    if not value:
        return None
    if value not in allowed:
        raise ValueError(f"unknown {what} code {value!r}")
    return value


def ingredient_names(prod_ai: str, drugname: str) -> list[str]:
    """The active ingredients of a DRUG row: ``prod_ai`` split on ``\\``, else ``drugname``;
    each read as its active moiety (:func:`loaders.drugnames.active_moiety`: salts stripped
    only down to a real ingredient, FDA biologic suffixes and acid/-ate pairs folded); sorted,
    without duplicates."""
    return [moiety.name for moiety in ingredients(prod_ai, drugname)]


@lru_cache(maxsize=262144)
def term_key(text: str) -> str | None:
    """The IRI key of a MedDRA term string (reactions, indications), or ``None`` if empty.

    >>> term_key("Psoriasis "), term_key("PSORIASIS")
    ('psoriasis', 'psoriasis')
    """
    text = text.strip()
    if not text:
        return None
    try:
        return slug(text)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def drug_key(name: str) -> str | None:
    """The IRI key of an ingredient name, or ``None`` if it has no letter or digit."""
    try:
        return slug(name)
    except ValueError:
        return None


_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
    | {chr(c): " " for c in range(32) if c not in (9, 10, 13)}
)


def literal_text(text: str) -> str:
    """``text`` escaped for an N-Triples string literal (without the quotes).

    >>> literal_text('5 "mg"\\\\day')
    '5 \\\\"mg\\\\"\\\\\\\\day'
    """
    return text.translate(_ESCAPES)
