"""``tit-app run sim-ti|sim-mti|flex-search|ex-search``: the TI operations
without the window.

Every option has a default, so ``tit-app run sim-ti --out result`` works as
is and writes result.png (the figure), result.npz (the numbers), result.json
(every parameter and the model) and, for ex-search, result.csv (the ranking).
Progress goes to stderr (a bar on a terminal, a few plain lines otherwise),
the summary to stdout. Exit codes:
0 done, 1 the output could not be written, 2 bad parameters, 130 cancelled
with Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

from tit_app import telemetry
from tit_app.commands.run_options import add_operation_options, where
from tit_app.operations import BY_CLI_NAME, OPERATIONS, Operation
from tit_app.ops import Cancelled, CancelToken, ParamError, save, summary_lines
from tit_app.ops.summary import NAME_WIDTH as SUMMARY_NAME_WIDTH
from tit_app.ops.text_progress import TerminalProgress

EXIT_OK, EXIT_FAILED, EXIT_BAD_PARAMS, EXIT_CANCELLED = 0, 1, 2, 130
# After Ctrl-C the operation stops at its next check (well under 200 ms).
_CANCEL_GRACE_S = 2.0


def _prepare_telemetry() -> None:
    """Mark events as coming from the CLI; on a terminal, ask for consent the first time."""
    try:
        telemetry.set_interface("cli")
        telemetry.consent_prompt_cli()  # asks only on an interactive terminal, only once
    except Exception:  # telemetry must never stop a run
        pass


def run_in_worker(function, params, progress, token: CancelToken):
    """Run the operation on a worker thread so Ctrl-C here can cancel it.

    The main thread only waits; KeyboardInterrupt cancels the token, waits
    briefly for the operation to notice, and raises :class:`Cancelled`.
    """
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = function(params, progress, token)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="tit-run-operation", daemon=True)
    try:
        worker.start()   # inside: Ctrl-C can land while start() waits
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        token.cancel()
        with contextlib.suppress(KeyboardInterrupt):
            worker.join(_CANCEL_GRACE_S)
        raise Cancelled("interrupted with Ctrl-C") from None
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _execute(operation: Operation, params, progress):
    """Run with telemetry around it; ops.Cancelled becomes telemetry's, so it is recorded as cancelled."""
    with telemetry.track_operation(operation.name, **operation.safe_params(params)):
        try:
            return run_in_worker(operation.run, params, progress, CancelToken())
        except Cancelled as cancelled:
            raise telemetry.Cancelled(str(cancelled)) from cancelled


def _check_output(out) -> None:
    if out is not None and not Path(out).expanduser().parent.is_dir():
        raise ParamError("--out", f"the folder of {out} does not exist")


def run_command(args: argparse.Namespace) -> int:
    """The ``run`` subcommand: returns the process exit code."""
    name = args.operation
    operation = BY_CLI_NAME[name]
    try:
        params = operation.build(vars(args))
        _check_output(args.out)
    except ParamError as error:
        print(f"tit-app run {name}: error: {where(error.field)}: "
              f"{error.message}", file=sys.stderr)
        return EXIT_BAD_PARAMS
    _prepare_telemetry()
    progress = TerminalProgress(name)
    try:
        result = _execute(operation, params, progress)
    except telemetry.Cancelled:
        progress.close()
        print(f"tit-app run {name}: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    progress.close()
    print("\n".join(summary_lines(result)))
    if args.out is not None:
        try:
            written = save(result, Path(args.out).expanduser(), params)
        except OSError as error:
            print(f"tit-app run {name}: error: cannot write {args.out}: "
                  f"{error.strerror or error}", file=sys.stderr)
            return EXIT_FAILED
        print("Saved".ljust(SUMMARY_NAME_WIDTH) + ", ".join(str(path) for path in written))
    return EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``run`` and its four operations on an argparse subparsers."""
    parser = subparsers.add_parser(
        "run", help="run a TI operation without the window",
        description="Run a temporal-interference operation from the command "
                    "line. Every option has a default.")
    operations = parser.add_subparsers(dest="operation", metavar="OPERATION",
                                       required=True)
    for operation in OPERATIONS:
        summary = operation.cli_help
        sub = operations.add_parser(
            operation.cli_name, help=summary, description=summary[0].upper() + summary[1:] + ".")
        add_operation_options(sub, operation)
        sub.set_defaults(func=run_command)
    parser.set_defaults(func=run_command)
    return parser
