"""One llama.cpp server per (weights, settings), in a child process owned by this run.

The server is started by the provider's constructor so that every start failure (port in use,
weights llama.cpp cannot load, never healthy) is a one-line UserError before any episode runs.
It is stopped with SIGKILL (it ignores SIGTERM) at interpreter exit or when the provider is
closed; if this process dies without running either, the child's own guards end it (`_child`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from collective_bench.errors import UserError

HOST = "127.0.0.1"
CHILD_MODULE = "collective_bench.providers.local._child"


@dataclass(frozen=True)
class ServerSettings:
    model_path: str
    alias: str
    port: int = 0
    """0: a free port chosen at start."""
    threads: int = 1
    n_parallel: int = 1
    n_ctx: int = 8192
    """Context per slot (tokens)."""
    timeout: int = 600
    """The server's own read/write timeout (seconds)."""
    start_timeout: float = 120.0
    dummy: str = ""
    """Tests: run the child and its guards without a model ("ready": report ready at once,
    "silent": never report, like a server that never becomes healthy)."""


def port_in_use(port: int) -> bool:
    """Whether a listener holds HOST:port (the server binds with SO_REUSEADDR, so do we)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def spawn_child(options: dict[str, object], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start the child with the guards that end it with this process (see `_child`).

    Its output goes to `log` (a pipe nobody reads would fill and block the server), except a
    dummy's stdout, which reports readiness to the tests.
    """
    options = dict(options, parent_pid=os.getpid(),
                   pdeathsig=threading.current_thread() is threading.main_thread())
    return subprocess.Popen(
        [sys.executable, "-m", CHILD_MODULE, json.dumps(options)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE if options.get("dummy") else log,
        stderr=log, close_fds=True,
    )


class LocalServer:
    """A running llama.cpp server; `url` is its OpenAI-compatible base (`.../v1`)."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.port = settings.port
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> LocalServer:
        if self.running():
            return self
        settings = self.settings
        if settings.port and port_in_use(settings.port):
            raise UserError(
                f"port {settings.port} on {HOST} is in use; pass a free one (-M port=N) or leave "
                "-M port out to pick one"
            )
        self.port = settings.port or free_port()
        with tempfile.NamedTemporaryFile(prefix="cbench-llama-", suffix=".log",
                                         delete=False) as log:
            self.log_path = Path(log.name)
            options = dict(asdict(settings), port=self.port)
            self.process = spawn_child(options, log)
        _LIVE.add(self)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop(keep_log=True)
            raise
        return self

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.settings.start_timeout
        health = f"http://{HOST}:{self.port}/health"
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise UserError(
                    f"the local model server failed to start ({self._last_error()}); check that "
                    f"the file is a complete llama.cpp model, full log: {self.log_path}"
                )
            if self.settings.dummy:
                assert self.process.stdout is not None
                ready = select.select([self.process.stdout], [], [], 0.2)[0]
                if ready and self.process.stdout.readline():
                    return
                continue
            with contextlib.suppress(OSError, urllib.error.URLError), \
                    urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
            time.sleep(0.2)
        raise UserError(
            f"the local model server did not become healthy within "
            f"{self.settings.start_timeout:.0f} s; raise -M start_timeout=SECONDS or see "
            f"{self.log_path}"
        )

    def _last_error(self) -> str:
        """llama.cpp's first error line (the cause; later ones repeat it), else our marker."""
        if self.log_path is None or not self.log_path.is_file():
            return "no log"
        lines = self.log_path.read_text(errors="replace").splitlines()
        errors = [line.split(" E ", 1)[1].strip() for line in lines if " E " in line]
        marked = [line.removeprefix("cbench-local-error: ") for line in lines
                  if line.startswith("cbench-local-error:")]
        return ((errors or marked or ["no output"])[0])[:300]

    def stop(self, keep_log: bool = False) -> None:
        """SIGKILL the child (it ignores SIGTERM) and reap it; keep the log only on failure."""
        process, self.process = self.process, None
        _LIVE.discard(self)
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        if self.log_path is not None and not keep_log:
            self.log_path.unlink(missing_ok=True)


_LIVE: set[LocalServer] = set()
_SHARED: dict[ServerSettings, LocalServer] = {}
_LOCK = threading.Lock()


def shared_server(settings: ServerSettings) -> LocalServer:
    """The running server for these settings, started once per process and shared."""
    with _LOCK:
        server = _SHARED.get(settings)
        if server is None:
            server = _SHARED[settings] = LocalServer(settings)
        return server.start()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()
