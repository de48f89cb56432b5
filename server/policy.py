"""What the public endpoint refuses before a query reaches the store.

* updates (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, …): the endpoint is read-only;
* ``SERVICE`` to a host that is not on the allow-list (a ``SERVICE ?var`` is always refused,
  since its target is unknown until evaluation); ``LOAD`` is an update, so refused too;
* queries longer than the size cap, or nested deeper than the parser can take
  (:func:`kg.nesting.check_depth`).

Keywords are looked for in the SPARQL code only (comments, strings and IRIs are skipped with
:func:`kg.binding.code_spans`), so a string mentioning ``SERVICE`` is fine. SPARQL allows
``\\uXXXX`` escapes anywhere in a query; the check also runs on the unescaped text.

>>> policy = Policy(max_query_bytes=1000, service_hosts=frozenset({"query.wikidata.org"}))
>>> policy.check('SELECT * { ?s ?p "SERVICE <http://x/>" }')
'SELECT'
>>> policy.check("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")
'SELECT'
>>> policy.check("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
server.policy.RefusedError: SERVICE to 127.0.0.1 is not allowed (allowed hosts: query.wikidata.org)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.binding import code_spans, query_form
from kg.errors import QueryError
from kg.nesting import check_depth

_UPDATE = re.compile(
    r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![\w:])",
    re.IGNORECASE,
)
_FETCH = re.compile(r"(?<![?$:\w])(SERVICE|LOAD)(?![\w:])(\s+SILENT(?![\w:]))?\s*", re.IGNORECASE)
_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class RefusedError(QueryError):
    """The query is well-formed but the endpoint's policy refuses it (HTTP 403)."""


class TooLargeError(QueryError):
    """The query text is longer than the configured cap (HTTP 413)."""


@dataclass(frozen=True)
class Policy:
    """The endpoint's limits.

    :param max_query_bytes: longest accepted query text, in UTF-8 bytes.
    :param service_hosts: host names a ``SERVICE`` clause may call.
    """

    max_query_bytes: int = 65536
    service_hosts: frozenset[str] = frozenset()

    def check(self, text: str) -> str:
        """Check one query; return its form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``).

        :raises TooLargeError: if the query is too long.
        :raises RefusedError: for an update or a ``SERVICE`` call that is not allowed.
        :raises QueryError: if the text is not a query at all, or is nested too deep.
        """
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > self.max_query_bytes:
            raise TooLargeError(
                f"query is {size} bytes; this endpoint accepts at most {self.max_query_bytes}"
            )
        check_depth(text)
        for variant in _variants(text):
            form = query_form(variant)
            if form is None:
                if _find_code(variant, _UPDATE):
                    raise RefusedError("SPARQL Update is not accepted on this endpoint")
                raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
            self._check_fetches(variant)
        found = query_form(text)
        return found or "SELECT"

    def check_update(self, text: str) -> None:
        """Check an update for the token-guarded write endpoint: size, ``LOAD`` and ``SERVICE``.

        :raises TooLargeError: if the update is too long.
        :raises RefusedError: if it fetches from a host that is not allowed.
        """
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > self.max_query_bytes:
            raise TooLargeError(
                f"update is {size} bytes; this endpoint accepts at most {self.max_query_bytes}"
            )
        check_depth(text)
        for variant in _variants(text):
            self._check_fetches(variant)

    def _check_fetches(self, text: str) -> None:
        for begin, end in code_spans(text):
            for match in _FETCH.finditer(text, begin, end):
                keyword = match.group(1).upper()
                target = _IRI.match(text, match.end())
                if target is None or match.end() != end:
                    raise RefusedError(
                        f"{keyword} is only allowed with a literal IRI of an allowed host"
                    )
                host = (urlsplit(target.group(1)).hostname or "").lower()
                if host not in self.service_hosts:
                    allowed = ", ".join(sorted(self.service_hosts)) or "none"
                    raise RefusedError(
                        f"{keyword} to {host or target.group(1)} is not allowed "
                        f"(allowed hosts: {allowed})"
                    )


def _find_code(text: str, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(text, begin, end) for begin, end in code_spans(text))


def _variants(text: str) -> list[str]:
    """The text, and its unescaped form when it holds ``\\u`` escapes."""
    if "\\u" not in text and "\\U" not in text:
        return [text]

    def unescape(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 else match.group(0)

    return [text, _ESCAPE.sub(unescape, text)]
