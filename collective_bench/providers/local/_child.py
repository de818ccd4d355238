"""The child process that runs llama.cpp's server (`python -m ...local._child '<json>'`).

Why a child: xllamacpp's server ignores SIGTERM and runs until its process ends, so it lives in
a process we own and kill with SIGKILL. It must never outlive the run, whatever ends the parent
(return, exception, Ctrl-C, SIGKILL), so three independent guards end it:
- PR_SET_PDEATHSIG(SIGKILL) via prctl, asked for only when the parent started us from its main
  thread (the signal fires when the *thread* that forked us exits, not the process);
- stdin is a pipe whose write end only the parent holds: EOF means the parent is gone;
- the parent pid is polled: a changed `getppid()` means we were re-parented.
Any of them calls `os._exit`, which does not wait for the server's threads.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import sys
import threading
from typing import Any

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL us when our parent thread exits; False where prctl is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent_pid: int) -> None:
    """Exit as soon as stdin reaches EOF or we are re-parented (runs in a daemon thread)."""
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([stdin], [], [], POLL_SECONDS)
        if readable and not os.read(stdin, 4096):
            os._exit(0)
        if os.getppid() != parent_pid:
            os._exit(0)


def start_guards(parent_pid: int, pdeathsig: bool) -> None:
    if pdeathsig:
        set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)
    threading.Thread(target=watch_parent, args=(parent_pid,), daemon=True).start()


def serve(options: dict[str, Any]) -> Any:
    """Start xllamacpp's server: it serves from its own threads while the returned object lives
    (its destructor stops it), so the caller holds it until the process ends."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = options["model_path"]
    params.hostnames = ["127.0.0.1"]
    params.port = int(options["port"])
    params.n_parallel = int(options["n_parallel"])
    params.n_ctx = int(options["n_ctx"]) * int(options["n_parallel"])
    params.cpuparams.n_threads = int(options["threads"])
    params.cpuparams_batch.n_threads = int(options["threads"])
    params.cache_prompt = True
    params.warmup = False
    params.model_alias = {options["alias"]}
    params.timeout_read = params.timeout_write = int(options["timeout"])
    return xllamacpp.Server(params)


def main() -> None:
    options = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends us
    start_guards(int(options["parent_pid"]), bool(options["pdeathsig"]))
    server = None
    if options.get("dummy"):  # tests: the same process and guards, without a model
        if options["dummy"] == "ready":
            print("ready", flush=True)
    else:
        try:
            server = serve(options)
        except Exception as error:  # noqa: BLE001 - report any start failure in one line
            print(f"cbench-local-error: {type(error).__name__}: {error}", file=sys.stderr,
                  flush=True)
            os._exit(3)
    threading.Event().wait()
    del server


if __name__ == "__main__":
    main()
