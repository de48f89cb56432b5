"""A client of the SPARQL 1.1 Protocol and Graph Store HTTP Protocol, for :mod:`kg.remote`.

It sends requests and turns every way they can fail into :mod:`kg.errors` classes with a clear
message: an engine that is down or unreachable is a :class:`~kg.errors.StoreError` within the
connect timeout (no hang), a query the engine rejects is a :class:`~kg.errors.QueryError`, a query
past its deadline is a :class:`~kg.errors.QueryTimeoutError`. Answers come back as bytes or a
streamed file; parsing them into pyoxigraph terms is :mod:`kg.remote`'s job.

One :class:`requests.Session` (keep-alive connections, digest-auth state) is kept per thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import IO

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from kg.errors import EngineError, QueryError, QueryTimeoutError, StoreError
from kg.remote_config import RemoteConfig

_MESSAGE_LIMIT = 600
_TIMEOUT_GRACE = 2.0
"""Seconds the client waits past a forwarded query timeout before giving up itself."""


class ProtocolClient:
    """Sends SPARQL Protocol and Graph Store requests to the endpoints of one configuration.

    :param config: endpoints, credentials and quirks.
    """

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self._local = threading.local()

    # --- sessions ----------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies or .netrc: the URL says where the engine is
            session.auth = self._auth()
            self._local.session = session
        return session

    def _auth(self) -> AuthBase | None:
        config = self.config
        if config.user is None:
            return None
        password = config.password or ""
        if config.auth == "basic":
            return HTTPBasicAuth(config.user, password)
        return HTTPDigestAuth(config.user, password)

    def close(self) -> None:
        """Close this thread's connections."""
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    # --- requests ----------------------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        accept: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
    ) -> requests.Response:
        """POST a query (``application/x-www-form-urlencoded``); return the successful answer.

        :param text: the query.
        :param accept: the ``Accept`` header.
        :param default_graphs: ``default-graph-uri`` values.
        :param named_graphs: ``named-graph-uri`` values.
        :param timeout: seconds; forwarded to the engine when its profile has a timeout
            parameter, and the client gives up a little later in any case.
        :raises QueryError: if the engine rejects the query.
        :raises QueryTimeoutError: if the deadline passes.
        :raises EngineError: if the engine cannot be reached or fails (a StoreError).
        """
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", g) for g in default_graphs]
        form += [("named-graph-uri", g) for g in named_graphs]
        params = list(self.config.extra_params)
        read = self.config.read_timeout
        if timeout is not None:
            read = timeout + _TIMEOUT_GRACE
            if self.config.timeout_param is not None:
                units = max(1, round(timeout / self.config.timeout_unit))
                params.append((self.config.timeout_param, str(units)))
        response = self._send(
            "POST",
            self.config.query_url,
            params=params,
            data=form,
            headers={"Accept": accept},
            read_timeout=read,
            what="query",
            deadline=timeout,
        )
        if response.headers.get("X-SQL-State", "").startswith("S1T"):
            # Virtuoso's "anytime" answer: partial results cut at the timeout
            limit = "the engine's" if timeout is None else f"its {timeout:g} s"
            raise QueryTimeoutError(f"query ran past {limit} deadline")
        return response

    def ping(self) -> None:
        """Ask the query endpoint ``ASK {}``: fails fast if the engine cannot be reached.

        :raises EngineError: if the engine cannot be reached or fails (a StoreError).
        """
        self.query("ASK {}", accept="*/*").close()

    def update(self, text: str) -> None:
        """POST a SPARQL Update.

        :raises QueryError: if the engine rejects it.
        :raises StoreError: if the engine cannot be reached, refuses the credentials or fails.
        """
        self._send(
            "POST",
            self.config.update_url,
            params=list(self.config.extra_params),
            data=[("update", text)],
            headers={"Accept": "*/*"},
            read_timeout=self.config.read_timeout,
            what="update",
        )

    def graph_post(self, graph: str, body: bytes) -> None:
        """Add N-Triples ``body`` to ``graph`` with a Graph Store ``POST``.

        :raises StoreError: if there is no Graph Store endpoint or the request fails.
        """
        self._send(
            "POST",
            self._gsp_url(),
            params=[*self.config.extra_params, (self.config.graph_param, graph)],
            data=body,
            headers={"Content-Type": self.config.gsp_content_type},
            read_timeout=self.config.read_timeout,
            what="graph upload",
            upload=True,
        )

    def graph_put(self, graph: str, source: IO[bytes]) -> None:
        """Replace ``graph`` with the N-Triples read from ``source`` (Graph Store ``PUT``).

        :raises StoreError: if there is no Graph Store endpoint or the request fails.
        """
        self._send(
            "PUT",
            self._gsp_url(),
            params=[*self.config.extra_params, (self.config.graph_param, graph)],
            data=source,
            headers={"Content-Type": self.config.gsp_content_type},
            read_timeout=self.config.read_timeout,
            what="graph upload",
            upload=True,
        )

    def graph_get(self, graph: str, sink: IO[bytes]) -> bool:
        """Stream the N-Triples of ``graph`` into ``sink`` (Graph Store ``GET``).

        :return: ``False`` if the engine has no such graph.
        :raises StoreError: if there is no Graph Store endpoint or the request fails.
        """
        response = self._send(
            "GET",
            self._gsp_url(),
            params=[*self.config.extra_params, (self.config.graph_param, graph)],
            headers={"Accept": "application/n-triples"},
            read_timeout=self.config.read_timeout,
            what="graph download",
            stream=True,
            missing_ok=True,
        )
        if response.status_code == 404:
            response.close()
            return False
        copy_body(response, sink, self.config.display_url)
        return True

    def _gsp_url(self) -> str:
        if self.config.gsp_url is None:
            raise StoreError(f"store {self.config.display_url} has no Graph Store endpoint")
        return self.config.gsp_url

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]],
        headers: dict[str, str],
        read_timeout: float,
        what: str,
        data: bytes | IO[bytes] | list[tuple[str, str]] | None = None,
        deadline: float | None = None,
        stream: bool = False,
        missing_ok: bool = False,
        upload: bool = False,
    ) -> requests.Response:
        try:
            response = self._session().request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                # the body is sent under the connect timeout; an upload to a busy engine
                # may legitimately wait on it, so uploads get the read timeout for both
                timeout=(read_timeout if upload else self.config.connect_timeout, read_timeout),
                stream=stream,
            )
        except requests.exceptions.ConnectTimeout:
            raise EngineError(
                f"SPARQL endpoint {url} did not accept a connection within "
                f"{self.config.connect_timeout:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            if deadline is not None:
                raise QueryTimeoutError(f"query ran past its {deadline:g} s deadline") from None
            raise EngineError(
                f"SPARQL endpoint {url} sent no answer to a {what} within {read_timeout:g} s"
            ) from None
        except requests.exceptions.ConnectionError as error:
            reason = _reason(error)
            if "aborted" in str(error) or "reset" in reason.lower():
                raise EngineError(f"SPARQL endpoint {url} broke off the {what}: {reason}") from None
            raise EngineError(f"cannot reach SPARQL endpoint {url}: {reason}") from None
        except requests.exceptions.RequestException as error:
            raise EngineError(f"{what} request to {url} failed: {error}") from None
        if response.ok or (missing_ok and response.status_code == 404):
            return response
        raise _http_error(response, url, what, deadline)


def copy_body(response: requests.Response, sink: IO[bytes], where: str) -> None:
    """Stream a response body into ``sink``.

    :raises StoreError: if the connection breaks off.
    """
    try:
        for chunk in response.iter_content(chunk_size=1 << 20):
            sink.write(chunk)
    except requests.exceptions.RequestException as error:
        raise EngineError(f"download from {where} broke off: {_reason(error)}") from None
    finally:
        response.close()


def _reason(error: BaseException) -> str:
    """The innermost, most specific reason of a connection error (``Connection refused``)."""
    text = str(error)
    for marker in ("] ", "Errno"):
        if marker in text:
            tail = text.rsplit(marker, 1)[1]
            return tail.split("'))")[0].split(")")[0].strip(" :'\"") or text
    return text


def _http_error(
    response: requests.Response, url: str, what: str, deadline: float | None
) -> Exception:
    body = response.text.strip()
    if len(body) > _MESSAGE_LIMIT:
        body = body[:_MESSAGE_LIMIT] + "…"
    status = response.status_code
    response.close()
    timed_out = any(code in body for code in ("S1T00", "S1TAT", "timeout", "timed out"))
    if deadline is not None and timed_out:
        return QueryTimeoutError(f"query ran past its {deadline:g} s deadline ({body})")
    if status in (401, 403):
        return StoreError(
            f"SPARQL endpoint {url} refused the {what} (HTTP {status}): give a user and "
            "password allowed to write (PVKG_STORE_USER, PVKG_STORE_PASSWORD)"
        )
    if status == 400 and what in ("query", "update"):
        return QueryError(f"the engine rejected the {what}: {body}")
    if status >= 500:
        return EngineError(f"{what} to {url} failed with HTTP {status}: {body}")
    return StoreError(f"{what} to {url} failed with HTTP {status}: {body}")
