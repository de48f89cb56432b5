"""Real SPARQL engines on loopback for the tests and benchmarks: ``oxigraph serve`` and Virtuoso.

Each engine runs as a child process with its data in a temporary directory and listens on a free
loopback port; :meth:`Engine.stop` kills it (optionally with ``SIGKILL`` to simulate a crash) and
:meth:`Engine.start` starts it again on the same data and port. Nothing here talks to any
address but 127.0.0.1.

``engine_or_skip`` gives the reason an engine cannot run on this machine (binary missing) so
tests skip with a stated reason only then.
"""

from __future__ import annotations

import atexit
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class EngineUnavailableError(RuntimeError):
    """The engine's binary is not installed here."""


class Engine:
    """A SPARQL engine process on loopback.

    :param name: ``oxigraph`` or ``virtuoso``.
    :param workdir: where the engine keeps its data (created).
    """

    name = "engine"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.workdir / "engine.log"

    # overridden ---------------------------------------------------------------------------
    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def store_url(self) -> str:
        """The pvkg ``--store`` URL for this engine."""
        raise NotImplementedError

    def ready_url(self) -> str:
        raise NotImplementedError

    # common -------------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> None:
        """Start the process and wait until its SPARQL endpoint answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        atexit.register(self.stop)  # never leave an engine behind, even if pytest is interrupted
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(self.ready_url(), timeout=2) as reply:
                    if reply.status == 200:
                        self.after_start()
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not start in {timeout} s; see {self.log}")

    def after_start(self) -> None:
        """Hook run once the endpoint answers."""

    def stop(self, *, kill: bool = False) -> None:
        """Stop the process (``kill``: ``SIGKILL`` at once, like a crash) and wait for it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None


class OxigraphEngine(Engine):
    """``oxigraph serve`` from the PyPI package ``oxigraph``."""

    name = "oxigraph"

    @staticmethod
    def binary() -> str:
        found = shutil.which("oxigraph")
        if found is None:
            raise EngineUnavailableError(
                "the 'oxigraph' server binary is not installed (pip install oxigraph)"
            )
        return found

    def command(self) -> list[str]:
        return [
            self.binary(),
            "serve",
            "--location",
            str(self.workdir / "db"),
            "--bind",
            f"{HOST}:{self.port}",
        ]

    @property
    def store_url(self) -> str:
        return f"http://{HOST}:{self.port}/query"

    def ready_url(self) -> str:
        return f"http://{HOST}:{self.port}/query?query=ASK%7B%7D"


VIRTUOSO_INI = """\
[Database]
DatabaseFile    = {dir}/virtuoso.db
ErrorLogFile    = {dir}/virtuoso.log
LockFile        = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0

[Parameters]
ServerPort           = {isql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., {dir}, /tmp
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {dirty}
ThreadsPerQuery      = 2
MaxQueryMem          = 1G
TransactionAfterImageLimit = 1500000000
VADInstallDir        = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort           = {HOST}:{http_port}
ServerRoot           = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows           = 10000000
MaxSortedTopRows           = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DeferInferenceRulesInit    = 0
"""


class VirtuosoEngine(Engine):
    """Virtuoso Open Source 7 (Debian ``virtuoso-opensource``), user ``dba``/``dba``."""

    name = "virtuoso"
    user = "dba"
    password = "dba"  # the fresh database's default; the engine listens on loopback only

    def __init__(self, workdir: Path, *, buffers: int = 170000) -> None:
        super().__init__(workdir)
        self.isql_port = free_port()
        (self.workdir / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(
                dir=self.workdir,
                isql_port=self.isql_port,
                http_port=self.port,
                HOST=HOST,
                buffers=buffers,
                dirty=buffers * 3 // 4,
            )
        )

    @staticmethod
    def binary() -> str:
        found = shutil.which("virtuoso-t")
        if found is None:
            raise EngineUnavailableError(
                "Virtuoso is not installed (apt-get install virtuoso-opensource)"
            )
        return found

    def command(self) -> list[str]:
        return [self.binary(), "+foreground", "+configfile", str(self.workdir / "virtuoso.ini")]

    @property
    def store_url(self) -> str:
        return f"http://{HOST}:{self.port}/sparql?profile=virtuoso"

    def ready_url(self) -> str:
        return f"http://{HOST}:{self.port}/sparql?query=ASK%7B%7D"

    def isql(self, sql: str) -> str:
        """Run SQL through ``isql-vt`` as dba; return its output."""
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise EngineUnavailableError("isql-vt is not installed")
        done = subprocess.run(
            [isql, f"{HOST}:{self.isql_port}", self.user, self.password, f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout


def make_engine(name: str, workdir: Path) -> Engine:
    """An engine by name (``oxigraph`` or ``virtuoso``); raises :class:`EngineUnavailableError`."""
    engine: Engine
    if name == "oxigraph":
        OxigraphEngine.binary()
        engine = OxigraphEngine(workdir)
    elif name == "virtuoso":
        VirtuosoEngine.binary()
        engine = VirtuosoEngine(workdir)
    else:
        raise ValueError(f"unknown engine {name!r}")
    return engine


def remote_url(backend: str, engine: Engine) -> str:
    """The pvkg store URL of a backend: ``oxigraph``, ``oxigraph-generic`` or ``virtuoso``."""
    if backend == "oxigraph-generic":
        base = f"http://{HOST}:{engine.port}"
        return f"{base}/query?profile=generic&update={base}/update"
    if backend == "virtuoso":
        return f"http://dba:dba@{HOST}:{engine.port}/sparql?profile=virtuoso"
    return engine.store_url
