"""SPARQL syntax errors for people: the line, a caret under the column, what was expected.

pyoxigraph reports a broken query as ``error at LINE:COLUMN: expected one of A, B, [_]``, in the
notation of its parser generator: keywords bare, punctuation quoted, character classes in
brackets, ``[_]`` for "any character" (so, at the end of the text, "more text"), and now and
then a sentence (``IRI parsing failed``). :func:`explain` turns that into a short block of text
that the command line (and the server) can show as it is::

    SPARQL syntax error at line 1, column 26: found the end of the query
      SELECT ?s WHERE { ?s ?p }
                               ^
      expected the keyword LATERAL or SERVICE, or more text

Columns count characters from 1, as pyoxigraph's do.
"""

from __future__ import annotations

import difflib
import re

_POSITION = re.compile(r"^error at (\d+):(\d+): (?:expected (?:one of )?)?(.*)$", re.DOTALL)
_CLASS = re.compile(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]")
_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_BARE_WORD = re.compile(r"(?<![?$:\w<\"'@^])[A-Za-z][A-Za-z_]*(?![:\w>(])")
_NAME_CHAR = re.compile(r"[A-Za-z0-9_:?$]")
_MAX_SHOWN = 8
_KEYWORD_TEXT = (  # the SPARQL keywords a misspelt word is compared with
    "ADD ALL AS ASC ASK BASE BIND BY CLEAR CONSTRUCT COPY CREATE DATA DEFAULT DELETE DESC "
    "DESCRIBE DISTINCT DROP EXISTS FILTER FROM GRAPH GROUP HAVING IN INSERT INTO LATERAL "
    "LIMIT LOAD MINUS MOVE NAMED NOT OFFSET OPTIONAL ORDER PREFIX REDUCED SELECT SEPARATOR "
    "SERVICE SILENT TO UNDEF UNION USING VALUES WHERE WITH"
)
KEYWORDS = frozenset(_KEYWORD_TEXT.split())


def position(message: str) -> tuple[int, int] | None:
    """The (line, column) of pyoxigraph's syntax error ``message``, or ``None``.

    >>> position("error at 3:15: expected one of NOT, [_]")
    (3, 15)
    """
    match = _POSITION.match(message.strip())
    return None if match is None else (int(match[1]), int(match[2]))


def explain(query: str, message: str) -> str | None:
    """The block of text describing pyoxigraph's syntax error ``message`` about ``query``.

    :return: ``None`` if ``message`` does not have pyoxigraph's ``error at L:C:`` form.

    >>> print(explain("SELEC * {}", "error at 1:10: expected CONSTRUCT"))
    SPARQL syntax error at line 1, column 10: found '}'
      SELEC * {}
               ^
      expected the keyword CONSTRUCT; did you mean SELECT (not SELEC)?
    """
    match = _POSITION.match(message.strip())
    if match is None:
        return None
    line_number, column = int(match[1]), int(match[2])
    lines = query.split("\n")
    line = lines[line_number - 1] if 0 < line_number <= len(lines) else ""
    at_end = not query_rest(lines, line_number, column).strip()
    block = [
        f"SPARQL syntax error at line {line_number}, column {column}: "
        + ("found the end of the query" if at_end else f"found {found(line, column)}"),
        "  " + line.expandtabs(1),
        "  " + " " * (column - 1) + "^",
    ]
    block += [f"  {sentence}" for sentence in reasons(match[3])]
    block.append("  " + expected(match[3], at_end) + hint(line, column))
    return "\n".join(block)


def query_rest(lines: list[str], line_number: int, column: int) -> str:
    """The text of the query from the error position on."""
    if not 0 < line_number <= len(lines):
        return ""
    return "\n".join([lines[line_number - 1][column - 1 :], *lines[line_number:]])


def found(line: str, column: int) -> str:
    """What stands at ``column``: a word, a variable, or one character, quoted.

    >>> found("SELECT ?s WHERE", 8), found("{ ?s }", 6), found("ab", 5), found("<a b>", 3)
    ("'?s'", "'}'", 'the end of the line', "a space after '<a'")
    >>> found("ASK {} garbage", 14)
    "'garbage'"
    """
    rest = line[column - 1 :]
    if not rest:
        return "the end of the line"
    if rest[0].isspace() and line[: column - 1].strip():
        return "a space after " + repr(line[: column - 1].split()[-1][-30:])
    start = column - 1
    while start > 0 and _NAME_CHAR.match(line[start - 1]) and _NAME_CHAR.match(rest[0]):
        start -= 1  # the parser stops inside a word it tried as a keyword: show all of it
    word = re.match(r"[?$]?[A-Za-z0-9_:]+", line[start:])
    return repr(word[0] if word else rest[0])


def expected(listing: str, at_end: bool) -> str:
    """pyoxigraph's list of expected tokens, in words.

    >>> expected('"(", "<", ABS, [\\'0\\' ..= \\'9\\'], [_]', at_end=False)
    "expected '(' or '<', the keyword ABS, a name character, or the end of the query"
    >>> expected("IRI parsing failed", at_end=False)
    'expected a valid IRI'
    """
    symbols, keywords, others = [], [], []
    for item in _items(listing):
        if item == "[_]":
            # any character: at the end, more text was wanted; elsewhere, the end (![_])
            others.append("more text" if at_end else "the end of the query")
        elif item.startswith("["):
            others.append("a name character")
        elif item.startswith('"') and item.endswith('"') and len(item) > 2:
            symbols.append(f"'{item[1:-1]}'")
        elif _KEYWORD.match(item):
            keywords.append(item)
        elif item == "IRI parsing failed":
            others.append("a valid IRI")
    parts = [_either(symbols)] if symbols else []
    if len(keywords) == 1:
        parts.append(f"the keyword {keywords[0]}")
    elif len(keywords) > _MAX_SHOWN:
        more = len(keywords) - _MAX_SHOWN
        parts.append(f"a keyword ({', '.join(keywords[:_MAX_SHOWN])}, … {more} more)")
    elif keywords:
        parts.append(f"a keyword ({_either(keywords)})")
    parts += sorted(set(others), key=others.index)
    return "expected " + (_list(parts, "or") if parts else "something else here")


def reasons(listing: str) -> list[str]:
    """The sentences in pyoxigraph's expected list (a rule broken, not a token missing).

    >>> reasons('"(", The SELECT contains a variable that is unbound, [_]')
    ['The SELECT contains a variable that is unbound.']
    """
    return [
        item.rstrip(".") + "."
        for item in _items(listing)
        if " " in item and not item.startswith(("[", '"')) and item != "IRI parsing failed"
    ]


def hint(line: str, column: int) -> str:
    """``; did you mean SELECT (not SELEC)?`` for a misspelt keyword up to the column, else ``""``.

    Only bare words count: not variables, prefixed names, IRIs, literals or function calls.
    """
    for word in _BARE_WORD.findall(line[: column + 1]):
        if word.upper() in KEYWORDS:
            continue
        close = difflib.get_close_matches(word.upper(), sorted(KEYWORDS), n=1, cutoff=0.8)
        if close and len(word) > 2:
            return f"; did you mean {close[0]} (not {word})?"
    return ""


def _items(listing: str) -> list[str]:
    """Split the expected list on top-level commas (classes and quotes hold commas too)."""
    classes = _CLASS.findall(listing)
    rest = _CLASS.sub("[]", listing)
    items = [i.strip() for i in re.findall(r'"[^"]*"|[^,]+', rest) if i.strip()]
    out: list[str] = []
    for item in items:
        out.append(classes.pop(0) if item == "[]" and classes else item)
    return out


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _list(parts: list[str], word: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f", {word} " + parts[-1]
