"""Running a scan or a log in the foreground: progress bar, signals, errors, exit codes.

* **Signals**: Ctrl-C (SIGINT) and SIGTERM both ask the acquisition to stop after the current
  point; the command then waits until the file is saved and closed (further signals only
  print that it is still closing), prints the summary and exits with ``128 + signal``:
  **130** after SIGINT, **143** after SIGTERM, so scripts can tell an interrupted run from a
  finished one (0) and from a failed one (1).
* **Errors**: a failure prints what was saved (the summary) and the error once, with what
  the user can do when the disk is full.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click

from daqcore.errors import DaqcoreError


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when a stop signal (SIGTERM) arrives, like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_number(exc: BaseException) -> int:
    """The signal behind a :class:`KeyboardInterrupt` (SIGINT unless :class:`Interrupted`)."""
    return int(getattr(exc, "signum", signal.SIGINT))


def exit_code(signum: int) -> int:
    """Shell convention for a process ended by a signal: ``128 + signum`` (130, 143)."""
    return 128 + int(signum)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Interrupted` in the main thread (as SIGINT
    raises KeyboardInterrupt), so ``with`` blocks close instruments and files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ProgressBar:
    """A tqdm bar fed by progress events (quiet when ``enabled`` is False).

    When the acquisition finishes, the total becomes the number done, so a log whose planned
    count was an estimate (duration / interval) ends at 100 %.
    """

    def __init__(self, total: int | None, desc: str, enabled: bool = True,
                 unit: str = "pt") -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit=unit, dynamic_ncols=True,
                            file=sys.stderr)
        self._last = 0

    def __call__(self, event: Any) -> None:
        if self.bar is None:
            return
        if event.n_done > self._last:
            self.bar.update(event.n_done - self._last)
            self._last = event.n_done
        if event.kind in ("paused", "resumed"):
            self.bar.set_postfix_str(event.kind)
        elif event.kind == "finished" and self.bar.total != event.n_done:
            self.bar.total = event.n_done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _wait_until_closed(acquisition: Any) -> int | None:
    """Wait for the acquisition's end; a signal stops it (once). Return the signal, if any."""
    received: int | None = None
    while True:
        try:
            while not acquisition.join(0.1):
                pass
            return received
        except KeyboardInterrupt as exc:
            if received is None:
                received = signal_number(exc)
                click.echo(f"\ninterrupted ({signal.Signals(received).name}): stopping after "
                           "the current point, then saving and closing the file...", err=True)
                acquisition.stop()
            else:
                click.echo("still stopping: waiting for the file to be saved and closed...",
                           err=True)


def _disk_full(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if "No space left on device" in str(current):
            return True
        current = getattr(current, "cause", None) or current.__cause__ or current.__context__
    return False


def error_text(exc: BaseException) -> str:
    """``str(exc)`` (with the type for a non-daqcore error) and its notes, on one line:
    ``setting 'noise' expects a number (float), got 'abc' (detector 'mock_0d', ...)``."""
    text = str(exc) if isinstance(exc, DaqcoreError) else f"{type(exc).__name__}: {exc}"
    notes = getattr(exc, "__notes__", None)
    if notes:
        text += f" ({'; '.join(str(n) for n in notes)})"
    return text


def failure_message(exc: BaseException, path: str | None) -> str:
    """The error line of a failed run, with what the user can do about the usual causes."""
    message = error_text(exc)
    if _disk_full(exc) and "free some space" not in message:  # unless already said
        where = f" holding {path}" if path else ""
        message += (f"\nthe disk{where} is full: free some space, or write to another disk "
                    "with -o DIR; the points saved before the error are kept in the file")
    return message


def _without_error_line(summary: str) -> str:
    return "\n".join(line for line in summary.splitlines() if not line.startswith("error: "))


def run_with_progress(acquisition: Any, total: int | None, desc: str, enabled: bool) -> Any:
    """Run ``acquisition`` in a worker thread with a progress bar; return its result.

    A stop signal ends the run cleanly and exits (after the summary) with 130 / 143. A failure
    (a daqcore error, or any other exception of the run) prints what was saved (the summary)
    and becomes one :class:`click.ClickException`: the error is printed once, no traceback.
    """
    bar = ProgressBar(total, desc, enabled=enabled, unit="pt" if desc == "scan" else "sample")
    acquisition.subscribe(bar)
    acquisition.start()
    try:
        received = _wait_until_closed(acquisition)
        result = acquisition.wait()
    except Exception as exc:  # a daqcore error, or an unexpected one: never a traceback
        bar.close()
        partial = acquisition.result
        if partial is not None:
            click.echo(_without_error_line(partial.summary()))
        path = getattr(partial, "path", None)
        raise click.ClickException(failure_message(exc, str(path) if path else None)) from exc
    bar.close()
    if received is not None:
        click.echo(result.summary())
        raise click.exceptions.Exit(exit_code(received))
    return result


def exit_interrupted(exc: KeyboardInterrupt,
                     what: str = "before the run started: nothing was saved",
                     ) -> click.exceptions.Exit:
    """For a signal outside a run: say so, return the exit to raise (130 / 143)."""
    signum = signal_number(exc)
    click.echo(f"\ninterrupted ({signal.Signals(signum).name}) {what}", err=True)
    return click.exceptions.Exit(exit_code(signum))


__all__ = ["Interrupted", "ProgressBar", "error_text", "exit_code", "exit_interrupted",
           "failure_message", "run_with_progress", "signal_number", "stop_signals"]
