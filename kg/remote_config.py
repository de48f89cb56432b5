"""Where a remote SPARQL engine's endpoints are and how to talk to them (URL and environment).

A remote store is named by the URL of its SPARQL query endpoint (``--store`` or ``PVKG_STORE``).
Everything else has a default from the engine's *profile* and can be overridden, first by options
in the URL's query string, then by environment variables, in that order of precedence:

=================  ==========================  =====================================================
URL option         environment variable        meaning
=================  ==========================  =====================================================
``profile``        ``PVKG_STORE_PROFILE``      ``oxigraph``, ``virtuoso``, ``fuseki`` or ``generic``
``update``         ``PVKG_STORE_UPDATE_URL``   SPARQL 1.1 Update endpoint
``gsp``            ``PVKG_STORE_GSP_URL``      Graph Store HTTP Protocol endpoint; ``none`` = use
                                               SPARQL Update ``INSERT DATA`` for loads
``user``           ``PVKG_STORE_USER``         user name for writes (or ``http://user:pw@host/…``)
(none)             ``PVKG_STORE_PASSWORD``     password (or in the URL's user info)
``auth``           ``PVKG_STORE_AUTH``         ``digest`` or ``basic``
``connect-timeout``                            seconds to wait for a TCP connection (default 3)
``read-timeout``                               seconds to wait for an answer without a query
                                               timeout (default 600)
``chunk-mb``                                   size of one upload request in MiB (default 8)
``switch``                                     ``move`` (staging graph, then one update) or
                                               ``put`` (one transactional Graph Store PUT)
=================  ==========================  =====================================================

Profiles derive the other endpoints from the query URL's path:

* ``oxigraph`` (chosen automatically for a path ending in ``/query``): ``/update``, ``/store``;
  graphs are replaced by one Graph Store ``PUT``, which Oxigraph runs as one transaction
  (its SPARQL ``MOVE`` copies triple by triple and is several times slower);
* ``virtuoso``: ``/sparql`` for queries, ``/sparql-auth`` (digest auth) for updates,
  ``/sparql-graph-crud-auth`` for the Graph Store protocol, XML results (Virtuoso's JSON writes
  booleans as ``1``), query timeouts forwarded as the ``timeout`` parameter in milliseconds;
* ``fuseki``: ``/<dataset>/update`` and ``/<dataset>/data``;
* ``generic`` (anything else): updates to the query URL, loads by SPARQL Update.

Any other option in the query string is kept and sent to the engine with every request.

>>> config = RemoteConfig.from_url("http://127.0.0.1:7878/query", environ={})
>>> config.profile, config.update_url, config.gsp_url
('oxigraph', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> config = RemoteConfig.from_url("http://dba:pw@h:8890/sparql?profile=virtuoso", environ={})
>>> config.update_url, config.user, config.password, config.location
('http://h:8890/sparql-auth', 'dba', 'pw', 'http://dba@h:8890/sparql?profile=virtuoso')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from kg.errors import StoreError

PROFILES = ("oxigraph", "virtuoso", "fuseki", "generic")
"""Engines whose endpoint layout and quirks pvkg knows."""

ENV_PREFIX = "PVKG_STORE_"
_OPTIONS = (
    "profile",
    "update",
    "gsp",
    "user",
    "auth",
    "connect-timeout",
    "read-timeout",
    "chunk-mb",
    "switch",
)


@dataclass(frozen=True)
class RemoteConfig:
    """Endpoints, credentials and engine quirks of one remote SPARQL store.

    :param query_url: SPARQL 1.1 Protocol query endpoint.
    :param update_url: SPARQL 1.1 Update endpoint.
    :param gsp_url: Graph Store HTTP Protocol endpoint, or ``None`` to load by SPARQL Update.
    :param profile: one of :data:`PROFILES`.
    :param user: user name for HTTP authentication, if any.
    :param password: password for HTTP authentication, if any.
    :param auth: ``digest`` or ``basic``.
    :param graph_param: query parameter naming the graph in Graph Store requests.
    :param gsp_content_type: media type of N-Triples uploads to the Graph Store endpoint.
    :param results: ``json`` or ``xml``: the SPARQL results format asked for.
    :param timeout_param: query parameter carrying a query timeout, if the engine has one.
    :param timeout_unit: seconds per unit of ``timeout_param`` (``0.001`` for milliseconds).
    :param connect_timeout: seconds to wait for a connection.
    :param read_timeout: seconds to wait for an answer when the caller gives no timeout.
    :param chunk_bytes: largest upload request body.
    :param switch: how a graph is replaced: ``move`` (load a staging graph in chunks, then
        ``DROP``/``MOVE`` in one update) or ``put`` (one Graph Store ``PUT`` of the whole file,
        for engines that run it as one transaction).
    :param extra_params: other query-string options, sent with every request.
    :param location: the store URL as given, without its password: it reopens the same store
        (the password then comes from ``PVKG_STORE_PASSWORD``).
    """

    query_url: str
    update_url: str
    gsp_url: str | None
    profile: str = "generic"
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    graph_param: str = "graph"
    gsp_content_type: str = "application/n-triples"
    results: str = "json"
    timeout_param: str | None = None
    timeout_unit: float = 1.0
    connect_timeout: float = 3.0
    read_timeout: float = 600.0
    chunk_bytes: int = 8 << 20
    switch: str = "move"
    extra_params: tuple[tuple[str, str], ...] = ()
    location: str = ""

    @property
    def display_url(self) -> str:
        """The query URL without credentials or options, for messages."""
        return self.query_url

    @classmethod
    def from_url(cls, url: str, *, environ: Mapping[str, str] | None = None) -> RemoteConfig:
        """Read a configuration from a store URL and ``PVKG_STORE_*`` environment variables.

        :param url: ``http(s)://[user[:password]@]host[:port]/path[?options]``.
        :param environ: the environment (default: :data:`os.environ`).
        :return: the configuration.
        :raises StoreError: if the URL or an option is malformed or names an unknown profile.
        """
        env = os.environ if environ is None else environ
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        options = {k: v for k, v in pairs if k in _OPTIONS}
        extra = tuple((k, v) for k, v in pairs if k not in _OPTIONS)
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port is not None:
            netloc += f":{parts.port}"
        query_url = urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))

        def pick(option: str, variable: str) -> str | None:
            return options.get(option) or env.get(ENV_PREFIX + variable) or None

        profile = pick("profile", "PROFILE") or _guess_profile(parts.path)
        if profile not in PROFILES:
            raise StoreError(f"unknown store profile {profile!r}; known: {', '.join(PROFILES)}")
        user = pick("user", "USER") or (unquote(parts.username) if parts.username else None)
        password = env.get(ENV_PREFIX + "PASSWORD") or (
            unquote(parts.password) if parts.password else None
        )
        defaults = _profile_defaults(profile, query_url, has_credentials=user is not None)
        default_update = str(defaults.pop("update_url"))
        default_gsp = defaults.pop("gsp_url")
        default_auth = str(defaults.pop("auth", "digest"))
        gsp = pick("gsp", "GSP_URL")
        gsp_url = default_gsp if gsp is None else (None if gsp == "none" else gsp)
        update_url = pick("update", "UPDATE_URL") or default_update
        auth = pick("auth", "AUTH") or default_auth
        switch = options.get("switch") or str(defaults.pop("switch", "move"))
        defaults.pop("switch", None)
        if switch not in ("move", "put") or (switch == "put" and gsp_url is None):
            raise StoreError(
                f"store option switch must be 'move', or 'put' with a Graph Store endpoint, "
                f"not {switch!r}"
            )
        if auth not in ("digest", "basic"):
            raise StoreError(f"store option auth must be 'digest' or 'basic', not {auth!r}")
        return cls(
            query_url=query_url,
            update_url=update_url,
            gsp_url=None if gsp_url is None else str(gsp_url),
            profile=profile,
            user=user,
            password=password,
            auth=auth,
            connect_timeout=_number(options, "connect-timeout", 3.0),
            read_timeout=_number(options, "read-timeout", 600.0),
            chunk_bytes=int(_number(options, "chunk-mb", 8.0) * (1 << 20)),
            switch=switch,
            extra_params=extra,
            location=_without_password(parts.scheme, netloc, parts.username, url),
            **defaults,  # type: ignore[arg-type]
        )


def _without_password(scheme: str, netloc: str, username: str | None, url: str) -> str:
    parts = urlsplit(url)
    userinfo = f"{username}@" if username else ""
    return urlunsplit((scheme, userinfo + netloc, parts.path, parts.query, ""))


def _guess_profile(path: str) -> str:
    return "oxigraph" if path.rstrip("/").endswith("/query") else "generic"


def _sibling(query_url: str, name: str) -> str:
    """``query_url`` with its last path segment replaced by ``name``."""
    head, _, _ = query_url.rstrip("/").rpartition("/")
    return f"{head}/{name}"


def _profile_defaults(profile: str, query_url: str, *, has_credentials: bool) -> dict[str, object]:
    if profile == "oxigraph":
        return {
            "update_url": _sibling(query_url, "update"),
            "gsp_url": _sibling(query_url, "store"),
            "switch": "put",
        }
    if profile == "virtuoso":
        suffix = "-auth" if has_credentials else ""
        return {
            "update_url": _sibling(query_url, "sparql" + suffix),
            "gsp_url": _sibling(query_url, "sparql-graph-crud" + suffix),
            "graph_param": "graph-uri",
            "gsp_content_type": "text/turtle",
            "results": "xml",
            "timeout_param": "timeout",
            "timeout_unit": 0.001,
            "auth": "digest",
        }
    if profile == "fuseki":
        return {
            "update_url": _sibling(query_url, "update"),
            "gsp_url": _sibling(query_url, "data"),
        }
    return {"update_url": query_url, "gsp_url": None}


def _number(options: Mapping[str, str], name: str, default: float) -> float:
    text = options.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise StoreError(f"store option {name} must be a number, not {text!r}") from None
    if value <= 0:
        raise StoreError(f"store option {name} must be positive, not {text!r}")
    return value


def with_params(url: str, params: list[tuple[str, str]]) -> str:
    """``url`` with ``params`` appended to its query string."""
    if not params:
        return url
    joiner = "&" if "?" in url else "?"
    return url + joiner + urlencode(params)
