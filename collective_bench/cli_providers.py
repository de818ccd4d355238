"""`cbench serve-reference` and `cbench estimate`: the provider-side commands."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

from collective_bench.errors import UserError
from collective_bench.spec import PRESETS


def add_commands(sub: Any) -> None:
    s = sub.add_parser("serve-reference",
                       help="an OpenAI-compatible server playing a reference policy")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--policy", default="textbook")
    s.add_argument("--latency-ms", type=float, default=0.0)
    for name, text in (("429", "share answered 429 with Retry-After"),
                       ("500", "share answered 500"),
                       ("slow", "share answered after --slow-seconds"),
                       ("truncated", "share with a truncated body"),
                       ("empty", "share with empty content"),
                       ("off-format", "share with off-format content"),
                       ("bad-usage", "share with negative or non-numeric token counts")):
        s.add_argument(f"--fault-{name}", type=float, default=0.0, help=text)
    s.add_argument("--retry-after", type=float, default=1.0)
    s.add_argument("--slow-seconds", type=float, default=30.0)
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=cmd_serve)

    e = sub.add_parser("estimate", help="calls, tokens and dollars of a sweep, before spending")
    e.add_argument("--model", action="append", required=True)
    e.add_argument("--task", action="append")
    e.add_argument("--episodes", type=int)
    e.add_argument("-T", action="append", default=[], metavar="KEY=VALUE")
    e.add_argument("--preset", choices=list(PRESETS))
    e.add_argument("--max-agents", type=int, metavar="N",
                   help="raise the population bound to N agents (a memory guard)")
    e.add_argument("--prices", help="price file for models not in litellm's map")
    e.add_argument("--output-tokens", type=int, default=16,
                   help="assumed output tokens per call (reasoning models use far more)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_estimate)


def cmd_serve(args: argparse.Namespace) -> int:
    import collective_bench.benchmarks  # noqa: F401 - registers the policies
    from collective_bench.providers.reference_server import Faults, ReferenceServer

    faults = Faults(rate_limit=args.fault_429, server_error=args.fault_500, slow=args.fault_slow,
                    truncated=args.fault_truncated, empty=args.fault_empty,
                    off_format=args.fault_off_format, bad_usage=args.fault_bad_usage,
                    retry_after=args.retry_after,
                    slow_seconds=args.slow_seconds, seed=args.seed)
    try:
        server = ReferenceServer(port=args.port, policy=args.policy, latency_ms=args.latency_ms,
                                 faults=faults, host=args.host)
    except OSError as error:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    print(f"serving reference/{args.policy} at {server.base_url} (Ctrl-C to stop); try: "
          f"cbench run --model litellm/openai/{args.policy} --model-base-url {server.base_url}",
          flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
        print(json.dumps(server.snapshot()))
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    from collective_bench.estimate import estimate_sweep, render_estimate
    from collective_bench.sweep import check_max_agents, parse_assignments

    check_max_agents(args.max_agents)
    if args.output_tokens < 0:
        raise UserError(f"--output-tokens must be >= 0, got {args.output_tokens}")
    with tempfile.TemporaryDirectory() as tmp:
        result = estimate_sweep(
            models=args.model, tasks=args.task, episodes=args.episodes,
            task_args=parse_assignments(args.T, "-T"), preset=args.preset,
            prices=args.prices, output_tokens=args.output_tokens, log_dir=tmp,
            max_agents=args.max_agents,
        )
    print(json.dumps(result, indent=2) if args.json else render_estimate(result))
    return 0
