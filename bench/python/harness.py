"""The measuring child's side of the harness protocol for Python systems.

A child is started as ``python3 <program> [args...] '<params JSON>'``; it prints one JSON line
(``{"value": ..., "detail": {...}}`` or ``{"unavailable": "why"}``) on stdout and exits 0.
"""
import json
import sys


def child_input():
    """Returns ``(args, params)``: the system's arguments and the workload's parameters."""
    if len(sys.argv) < 2:
        sys.exit("expected the workload's parameters as the last argument (JSON); run this through `pnpm bench`")
    try:
        params = json.loads(sys.argv[-1])
    except json.JSONDecodeError as e:
        sys.exit(f"the last argument must be the parameters as JSON: {e}; run this through `pnpm bench`")
    return sys.argv[1:-1], params


def variant_of(args, known):
    """The first argument, checked against the variants a program implements."""
    if not args or args[0] not in known:
        sys.exit(f"expected a variant as the first argument, one of: {', '.join(known)}; got {args[0] if args else 'nothing'}")
    return args[0]


def report(value, **detail):
    """Prints the measured value as the result line."""
    line = {"value": value, "detail": detail} if detail else {"value": value}
    print(json.dumps(line), flush=True)


def report_unavailable(reason):
    """Prints that this system cannot run here, and why."""
    print(json.dumps({"unavailable": reason}), flush=True)


def check(what, expected, actual):
    """Fails the measurement when the system under test computed a wrong result."""
    if expected != actual:
        sys.exit(f"{what}: expected {expected}, got {actual}; the system under test returned a wrong result")
