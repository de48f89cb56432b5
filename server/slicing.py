"""Count and cut the solutions of SPARQL result documents that pyoxigraph wrote.

pyoxigraph serialises a whole result set in Rust, much faster than Python walks it row by row,
but it has no row cap. The service therefore lets pyoxigraph write the document and finds the
solutions in the bytes: it counts them (for the row count, and to tell whether the answer is
cut) and, for a page or a capped answer, keeps the wanted solutions and closes the document
again. Counting works on a growing, partial document too (:meth:`Layout.counter`), so a
serialisation can be stopped as soon as enough solutions are written.

Each layout knows one format as pyoxigraph 0.5 writes it (compact, one document):

* :data:`JSON`: ``{"head":{"vars":[…]},"results":{"bindings":[{…},{…}]}}``. A solution starts
  at a ``{`` after ``[`` or ``,`` outside a string (terms are objects after ``:``); a raw ``"``
  never occurs inside a string, where quotes are escaped. While the document holds no ``{}``
  (no empty solution, no literal with ``{}``) the boundaries are counted by a quick scan
  (``bytes.count``): ``},{"`` outside a string always starts a solution with a binding, and
  inside a string it can only be the string's end, followed by ``}`` or ``,``, which no key
  starts with; otherwise strings are skipped one by
  one, which is slower but exact.
* :data:`XML`: a solution is a ``<result>`` element (``<`` is escaped in text and attributes).
* :data:`CSV`: a header line, then one line per solution, each ending in CRLF; literals holding
  a quote, comma or line break are quoted, with quotes doubled. IRIs are not quoted, even with
  a comma in them (a pyoxigraph bug): :meth:`Layout.faithful` tells such documents apart.

``tests/test_server_results.py`` checks counts and cuts against pyoxigraph's own output for
awkward terms (quotes, braces, commas, line breaks, empty solutions) and every prefix of them.

>>> from pyoxigraph import Literal, NamedNode, Quad, QueryResultsFormat, Store
>>> store = Store()
>>> for n in range(3):
...     store.add(Quad(NamedNode(f"http://e/{n}"), NamedNode("http://p"), Literal('"},{' + str(n))))
>>> body = store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o").serialize(
...     format=QueryResultsFormat.JSON)
>>> JSON.count(body)
3
>>> JSON.cut(body, 1, 2, truncated=True).decode()
'{"head":{"vars":["o"]},"truncated":true,"results":{"bindings":[{"o":{"type":"literal","value":"\\\\"},{1"}}]}}'
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod


class LayoutError(ValueError):
    """The bytes are not a result document as pyoxigraph writes it (a bug, not the user's)."""


class Counter(ABC):
    """Counts the solutions of one growing document, reading each new piece about once."""

    @abstractmethod
    def feed(self, body: bytes | bytearray) -> int:
        """Solutions known to exist in ``body`` (the document so far, which only grows).

        Every counted solution but the last is complete (for CSV the last too), so a page
        that ends before the last counted solution can be cut from ``body``. For a complete
        document the count is exact.
        """


class Layout(ABC):
    """Where the solutions of one result format are, and how to close a cut document."""

    name: str

    @abstractmethod
    def counter(self) -> Counter:
        """A counter for a new document."""

    def count(self, body: bytes | bytearray) -> int:
        """Solutions known to exist in ``body``; see :meth:`Counter.feed`."""
        return self.counter().feed(body)

    def faithful(self, body: bytes) -> bool:
        """Whether a complete document can be sent as it is (see :data:`CSV`)."""
        return True

    @abstractmethod
    def cut(self, body: bytes, start: int, stop: int, *, truncated: bool) -> bytes:
        """A document with solutions ``start`` to ``stop - 1`` of ``body``.

        :param stop: less than :meth:`count`, or equal to it when ``body`` is complete.
        :param truncated: mark the document as cut (a JSON member, an XML ``link``).
        :raises LayoutError: if ``body`` is not shaped as expected.
        """

    def with_head(self, body: bytes, names: list[str]) -> bytes:
        """``body`` with its head listing the variables ``names`` (the same, in another order).

        Solutions name their bindings (JSON, XML), so only the head changes.
        """
        raise LayoutError(f"the columns of a {self.name} document cannot be reordered")


def _head(body: bytes, opening: bytes, closing: bytes, head: bytes, name: str) -> bytes:
    """``body`` with the part from ``opening`` (at the very start) to ``closing`` replaced."""
    at = body.find(opening)
    end = body.find(closing, at)
    if at < 0 or end < 0:
        raise LayoutError(f"no head in a {name} result document")
    return body[:at] + head + body[end + len(closing) :]


def _find(body: bytes, marker: bytes, name: str) -> int:
    found = body.find(marker)
    if found < 0:
        raise LayoutError(f"no {marker!r} in a {name} result document")
    return found + len(marker)


def _end(body: bytes, starts: list[int], stop: int, closing: bytes, name: str) -> int:
    """Where solution ``stop - 1`` ends: the next start, or the end of the solution list."""
    if stop < len(starts):
        return starts[stop]
    if body.endswith(closing):
        return len(body) - len(closing)
    raise LayoutError(f"{name} result document ends before the page does")


# --- JSON ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')  # "? : a partial string runs to the end
_JSON_TOKEN = re.compile(_JSON_STRING.pattern + rb"|[\[,]\{")
_JSON_NEXT = re.compile(rb'\},\{"[^},]')  # a boundary, as counted by _JsonCounter._quick
_JSON_BOUNDARY = b'},{"'
_JSON_STRING_END_BRACE = b'},{"}'
_JSON_STRING_END_COMMA = b'},{",'
_JSON_OPENING = b'"bindings":['
_JSON_FIRST = b'"bindings":[{'
_JSON_CLOSING = b"]}}"


def _json_exact(body: bytes | bytearray) -> int:
    code = _JSON_STRING.sub(b"", body)
    return code.count(b"[{") + code.count(b",{")


class _JsonCounter(Counter):
    def __init__(self) -> None:
        self.found = 0  # boundaries before a solution with a binding (quick mode)
        self.first = 0  # 1 once the first solution has started
        self.resume = 0  # quick mode: every boundary starting before this is counted
        self.braces = 0  # checked for "{}" up to here
        self.exact: int | None = None  # the count from the last exact pass (slow mode)
        self.recount_at = 0

    def feed(self, body: bytes | bytearray) -> int:
        if self.exact is None and body.find(b"{}", max(0, self.braces - 1)) < 0:
            self.braces = len(body)
            return self._quick(body)
        if self.exact is None or len(body) >= self.recount_at:
            self.exact = _json_exact(body)  # a full pass: only when the document has doubled
            self.recount_at = 2 * len(body)
        return self.exact

    def _quick(self, body: bytes | bytearray) -> int:
        opening = body.find(_JSON_OPENING)
        if opening < 0:
            return 0
        self.first = 1 if body.startswith(_JSON_FIRST, opening) else 0
        start = max(self.resume, opening)
        # every "},{\"" outside a string is a boundary; inside one it is the string's end, and
        # then "}" or "," follows (a key, never empty, cannot start with either); counted only
        # where the byte after it is already in
        self.found += body.count(_JSON_BOUNDARY, start, len(body) - 1)
        self.found -= body.count(_JSON_STRING_END_BRACE, start) + body.count(
            _JSON_STRING_END_COMMA, start
        )
        self.resume = max(start, len(body) - len(_JSON_BOUNDARY))
        return self.first + self.found


class _Json(Layout):
    name = "json"

    def counter(self) -> Counter:
        return _JsonCounter()

    def cut(self, body: bytes, start: int, stop: int, *, truncated: bool) -> bytes:
        head_end = _find(body, _JSON_OPENING, self.name)
        starts = self._starts(body, head_end, stop)
        end = _end(body, starts, stop, _JSON_CLOSING, self.name)
        if stop < len(starts):
            end -= 1  # the comma before the next solution
        kept = body[starts[start] : end] if start < stop else b""
        head = body[:head_end]
        if truncated:  # before "results": strict readers (pyoxigraph) stop after the bindings
            at = head.rfind(b'"results":')
            head = head[:at] + b'"truncated":true,' + head[at:]
        return head + kept + _JSON_CLOSING

    def with_head(self, body: bytes, names: list[str]) -> bytes:
        head = b'{"head":{"vars":' + json.dumps(names).encode() + b"}"
        return _head(body, b'{"head":{"vars":[', b"]}", head, self.name)

    def _starts(self, body: bytes, head_end: int, stop: int) -> list[int]:
        """Offsets of the ``{`` of solutions ``0…stop`` (fewer if the document has fewer)."""
        starts: list[int] = []
        if b"{}" not in body:
            if body.startswith(b"{", head_end):
                starts.append(head_end)
            for match in _JSON_NEXT.finditer(body, head_end):
                if len(starts) > stop:
                    break
                starts.append(match.start() + 2)
            return starts
        for match in _JSON_TOKEN.finditer(body, head_end - 1):
            if len(starts) > stop:
                break
            if body[match.start()] != ord('"'):
                starts.append(match.start() + 1)
        return starts


# --- XML -------------------------------------------------------------------------------------

_XML_RESULT = b"<result>"
_XML_OPENING = b"<results>"
_XML_CLOSING = b"</results></sparql>"


class _XmlCounter(Counter):
    def __init__(self) -> None:
        self.found = 0
        self.resume = 0

    def feed(self, body: bytes | bytearray) -> int:
        self.found += body.count(_XML_RESULT, self.resume)
        last = body.rfind(_XML_RESULT, self.resume)
        last_end = last + len(_XML_RESULT) if last >= 0 else 0
        self.resume = max(self.resume, last_end, len(body) - len(_XML_RESULT) + 1)
        return self.found


class _Xml(Layout):
    name = "xml"

    def counter(self) -> Counter:
        return _XmlCounter()

    def cut(self, body: bytes, start: int, stop: int, *, truncated: bool) -> bytes:
        head_end = _find(body, _XML_OPENING, self.name)
        starts: list[int] = []
        at = body.find(_XML_RESULT, head_end)
        while at >= 0 and len(starts) <= stop:
            starts.append(at)
            at = body.find(_XML_RESULT, at + len(_XML_RESULT))
        end = _end(body, starts, stop, _XML_CLOSING, self.name)
        kept = body[starts[start] : end] if start < stop else b""
        head = body[:head_end]
        if truncated:
            head = head.replace(b"</head>", b'<link href="#truncated"/></head>', 1)
        return head + kept + _XML_CLOSING

    def with_head(self, body: bytes, names: list[str]) -> bytes:
        variables = "".join(f'<variable name="{n}"/>' for n in names)
        head = f"<head>{variables}</head>".encode()
        return _head(body, b"<head>", b"</head>", head, self.name)


# --- CSV -------------------------------------------------------------------------------------

_CSV_QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"?')  # "? : a partial field runs to the end
_CSV_TOKEN = re.compile(_CSV_QUOTED.pattern + rb"|\r\n")


class _CsvCounter(Counter):
    def __init__(self) -> None:
        self.lines = 0
        self.resume = 0
        self.quoted = False  # whether ``resume`` is inside a quoted field

    def feed(self, body: bytes | bytearray) -> int:
        end = len(body) - 1 if body.endswith(b"\r") else len(body)  # keep "\r\n" whole
        pieces = bytes(body[self.resume : end]).split(b'"')  # quoted and plain, alternately
        for index, piece in enumerate(pieces):
            if (index % 2 == 1) == self.quoted:
                self.lines += piece.count(b"\r\n")
        self.quoted ^= (len(pieces) - 1) % 2 == 1
        self.resume = end
        return max(0, self.lines - 1)  # the header's line ends first


class _Csv(Layout):
    name = "csv"

    def counter(self) -> Counter:
        return _CsvCounter()

    def faithful(self, body: bytes) -> bool:
        """Whether every line has as many fields as the header."""
        code = _CSV_QUOTED.sub(b"", body)
        header = body[: body.find(b"\r\n")]
        separators = header.count(b",") if header else -1
        return code.count(b",") == code.count(b"\r\n") * max(0, separators)

    def cut(self, body: bytes, start: int, stop: int, *, truncated: bool) -> bytes:
        line_starts: list[int] = []  # line_starts[i]: where solution i starts (header before)
        for match in _CSV_TOKEN.finditer(body):
            if len(line_starts) > stop:
                break
            if body[match.start()] != ord('"'):
                line_starts.append(match.end())
        if len(line_starts) <= stop:
            raise LayoutError("csv result document ends before the page does")
        kept = body[line_starts[start] : line_starts[stop]] if start < stop else b""
        return body[: line_starts[0]] + kept


JSON: Layout = _Json()
XML: Layout = _Xml()
CSV: Layout = _Csv()
LAYOUTS: dict[str, Layout] = {"json": JSON, "xml": XML, "csv": CSV}
"""Result formats whose pyoxigraph documents can be counted and cut, by format key."""
