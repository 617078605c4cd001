"""What every command shares: error handling, reports, progress, option decorators."""

from __future__ import annotations

import contextlib
import errno
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from cmograph.diagnostics import Progress
    from cmograph.render.formats import Format, Registry

F = TypeVar("F", bound=Callable[..., Any])


OS_HINTS = {
    errno.EACCES: "check who may read and write that file or folder (ls -l); nothing was changed",
    errno.EPERM: "check who may read and write that file or folder (ls -l); nothing was changed",
    errno.EROFS: "the file system is read-only: name a store elsewhere with --store",
    errno.ENOSPC: "the disk is full: free some space and run the command again; nothing was changed",
    errno.ENAMETOOLONG: "use a shorter path",
}
UNDONE = {"push": "pushed", "export": "exported", "query": "queried", "serve": "served",
          "publish": "published"}  # else answered
LONG_VALUE = 200  # a value longer than this is shown in a message by its first KEPT characters and its length
KEPT = 100
# a long value quoted in a message ('a name'), and not the text between two apostrophes ("the project's")
_QUOTED = re.compile(f"""(?<![^\\s(\\[:="])'([^']{{{LONG_VALUE + 1},}}+)'(?=[\\s,.;:)\\]?!]|$)""")


def guarded(run: Callable[[], Any], command: Callable[[], str | None] = lambda: None) -> Any:
    """Run a command (named by ``command()`` once it has started); map cmograph errors to exit codes (2 usage or
    input, 1 not conforming, 130 interrupted)."""
    from cmograph.errors import INTERRUPTED, CmographError, NotConforming  # light: imported with the package

    try:
        return run()
    except click.ClickException as exc:  # click's own usage errors quote what was typed: click shows it escaped
        exc.message = said(exc.message)  # type: ignore[misc]  # Final to type checkers only
        raise
    except NotConforming as exc:
        echo_report(exc.report)
        undone = UNDONE.get(command() or "", "answered")
        click.echo(f"The data does not conform: {summary(exc.report)}. Nothing was loaded or {undone}.", err=True)
        sys.exit(1)
    except CmographError as exc:
        exc.message, exc.hint = said(exc.message), exc.hint and said(exc.hint)
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a path the system refuses (name too long, no permission, disk full)
        if isinstance(exc, BrokenPipeError) and output_closed():  # `cmograph ask ... | head` read what it wanted
            stop_writing()
            sys.exit(0)
        where = f"{said(clipped(str(exc.filename)))}: " if exc.filename else ""
        click.echo(f"error: {where}{said(exc.strerror or str(exc))}", err=True)
        if exc.errno in OS_HINTS:
            click.echo(f"  hint: {OS_HINTS[exc.errno]}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback; a store write is whole or not there at all
        click.echo(INTERRUPTED, err=True)
        # what the interrupt left half-done (a process pool's pipes) may complain as Python shuts down: the line
        # above has said all there is to say
        sys.unraisablehook = lambda _: None
        sys.exit(130)


def output_closed() -> bool:
    """Whether what read the standard output has stopped reading it (a pipe whose reader has gone), rather than some
    other pipe having broken (a worker's, a server's). Where the system cannot tell (Windows), it is taken to be."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return True


def stop_writing() -> None:
    """Send what is still to be printed to nowhere, so that the interpreter's own flush at exit finds no broken pipe
    to complain of."""
    import os

    with contextlib.suppress(OSError, ValueError):  # the descriptor opened is left open: the process is ending
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def clipped(value: str) -> str:
    """A value as a message shows it: whole up to ``LONG_VALUE`` characters, else its start, an ellipsis and its
    length (``nnnn… (100,000 characters)``)."""
    return value if len(value) <= LONG_VALUE else f"{value[:KEPT]}… ({len(value):,} characters)"


def said(text: str) -> str:
    """A message as printed: each long value quoted in it (``'...'``) clipped, and every character that could
    control the terminal or break the line escaped, as ``validate`` shows them (``ESC`` as ``\\u001b``)."""
    from cmograph.diagnostics import one_line

    return one_line(_QUOTED.sub(lambda m: f"'{m.group(1)[:KEPT]}…' ({len(m.group(1)):,} characters)", text))


def echo_report(report: Any) -> None:
    for diagnostic in report:
        click.echo(str(diagnostic), err=True)


def summary(report: Any) -> str:
    from cmograph.diagnostics import Severity

    errors = sum(1 for d in report.diagnostics if d.severity is Severity.ERROR)
    notes = sum(1 for d in report.diagnostics if d.severity is Severity.INFO)
    warnings = len(report.diagnostics) - errors - notes
    noted = f", {notes} note{'s' * (notes != 1)}" if notes else ""
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}{noted}"


def terminal_width() -> int:
    import shutil  # only tables on a terminal need it

    return shutil.get_terminal_size((80, 24)).columns


BAR_WIDTH = 24


def progress_printer(what: str, after: float = 1.0) -> Progress | None:
    """Click's progress bar on stderr for long work (files checked, answers prepared), with the item at hand and the
    time left: only on a terminal, only once the work has taken ``after`` seconds (quick work stays quiet)."""
    return _ProgressBar(what, after) if sys.stderr.isatty() else None


class _ProgressBar:
    """A :data:`~cmograph.diagnostics.Progress` drawn by click: made once the work has taken ``after`` seconds,
    finished when it is done or the program exits first (which gives the terminal its cursor back), and never
    wider than the terminal (a wrapped line would stay behind at each update)."""

    def __init__(self, what: str, after: float) -> None:
        self.what, self.after, self.started = what, after, time.monotonic()
        self.bar: Any = None
        self.clutter = 0
        self.finished = False

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            if done == total or time.monotonic() - self.started < self.after:
                return
            # the rest of the line: "LABEL  [BAR]  done/total  00:00:05  item", with room for a few letters of item
            self.clutter = len(self.what) + 3 + 1 + 2 + 2 * len(str(total)) + 1 + 2 + 8 + 2 + 1
            width = max(5, min(BAR_WIDTH, terminal_width() - self.clutter - 12))
            self.bar = click.progressbar(length=total, label=self.what, file=sys.stderr, show_pos=True, width=width,
                                         item_show_func=self.item)
            import atexit

            atexit.register(self.finish)
        self.bar.update(done - self.bar.pos, label)
        if done == total:
            self.finish()

    def item(self, label: str | None) -> str:
        """The item, cut to what the rest of the line leaves of the terminal's width."""
        return said(label or "")[:max(terminal_width() - self.clutter - self.bar.width, 0)]

    def finish(self) -> None:
        if self.bar is not None and not self.finished:
            self.finished = True
            self.bar.render_finish()


@contextlib.contextmanager
def waiting(what: str, after: float = 1.0, every: float = 1.0) -> Iterator[None]:
    """While the block runs, a line on stderr saying how long ``what`` has taken: only on a terminal, from
    ``after`` seconds on, updated every ``every`` seconds, and erased at the end (the query itself cannot report
    progress, but the store releases Python's lock while it works, so this thread keeps time)."""
    if not sys.stderr.isatty():
        yield
        return
    import threading

    done = threading.Event()
    shown = [""]  # the line on screen, to erase at the end

    def tell() -> None:
        started = time.monotonic()
        if done.wait(after):
            return
        while not done.is_set():
            shown[0] = f"{what}... {time.monotonic() - started:.0f} s"
            click.echo("\r" + shown[0], err=True, nl=False)
            done.wait(every)

    thread = threading.Thread(target=tell, name="cmograph-waiting", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown[0]:
            click.echo("\r" + " " * len(shown[0]) + "\r", err=True, nl=False)


DATA_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("-d", "--data"), {"multiple": True, "type": click.Path(path_type=Path),
                        "help": "An evidence or RDF file, or a folder of them (repeatable)."}),
    (("--store",), {"type": click.Path(path_type=Path, file_okay=False), "help": "Use the store in this folder."}),
    (("--example",), {"is_flag": True, "help": "Use the bundled example: a published evaluation and a made-up "
                      "follow-up that builds on it."}),
    (("--base",), {"metavar": "IRI", "help": "Base IRI for the data's IRIs (default from cmograph.toml, else "
                   "https://w3id.org/cmograph/data/)."}),
    (("--endpoint",), {"metavar": "URL", "help": "Ask this SPARQL 1.1 endpoint instead of local data (default: "
                       "`endpoint` in cmograph.toml; credentials from CMOGRAPH_ENDPOINT_USER and "
                       "CMOGRAPH_ENDPOINT_PASSWORD, or ~/.netrc)."}),
]


CONCEPTS_OPTION: tuple[tuple[str, ...], dict[str, Any]] = (
    ("--concepts",), {"type": click.Path(path_type=Path, dir_okay=False), "metavar": "FILE",
                      "help": "A concept scheme (concepts.yaml, or SKOS as .ttl) to read with --data or --example; "
                              "a project reads its own concepts.yaml."})


def concepts_option(f: F) -> F:
    """``--concepts FILE``: the concept scheme read with ``--data`` or ``--example``."""
    return click.option(*CONCEPTS_OPTION[0], **CONCEPTS_OPTION[1])(f)


def data_options(f: F) -> F:
    """``--data``, ``--store``, ``--example``, ``--base`` and ``--endpoint``: where the data comes from."""
    for declarations, attributes in reversed(DATA_OPTIONS):
        f = click.option(*declarations, **attributes)(f)
    return f


def data_params() -> list[click.Parameter]:
    """The same options, and ``--concepts``, as parameter objects, for commands built at run time."""
    return [click.Option(list(declarations), **attributes) for declarations, attributes in
            (*DATA_OPTIONS, CONCEPTS_OPTION)]


class FormatChoice(click.Choice[str]):
    """A format of a registry, by its name or an alias (``ttl``); the command is given the format's name."""

    def __init__(self, formats: Registry[Format]) -> None:
        super().__init__(formats.spellings())
        self.formats = formats

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        return self.formats[super().convert(value, param, ctx)].name


def _format_attributes(formats: Registry[Format], help_text: str, default: str | None) -> dict[str, Any]:
    aliases = [f"{alias} for {f.name}" for f in formats.values() for alias in f.aliases]
    return {"type": FormatChoice(formats), "default": default, "show_default": default is not None,
            "help": help_text + (f" Short names: {', '.join(aliases)}." if aliases else "")}


def format_option(formats: Registry[Format], help_text: str, default: str | None = None) -> Callable[[F], F]:
    """``-f``/``--format``: one of the registry's formats."""
    return click.option("-f", "--format", "fmt", **_format_attributes(formats, help_text, default))


def format_param(formats: Registry[Format], help_text: str) -> click.Option:
    """The same option as a parameter object, for commands built at run time."""
    return click.Option(["-f", "--format", "fmt"], **_format_attributes(formats, help_text, None))


KEEP_FORMULAS_HELP = ("CSV and TSV: write text that begins with = + - @ exactly as it is (by default it gets a "
                      "leading ', so that a spreadsheet shows it rather than run it as a formula).")


def default_format() -> str:
    """``table`` on a terminal, else ``csv``."""
    return "table" if sys.stdout.isatty() else "csv"


def echo_rows(columns: list[str], rows: list[Any], fmt: str | None, empty: str, *, limit: int | None = None,
              offset: int = 0, keep_formulas: bool = False, note: str | None = None) -> str | None:
    """Print rows; a table by default on a terminal, CSV otherwise. Tables page with ``limit``/``offset``.

    An empty answer is the sentence ``empty`` in a format for people; in a data format it is the format's empty
    text (a header, ``[]``), and the sentence goes to standard error, where a person sees it and a program does not.
    So does the ``note`` (what the answer left out by design): right under the table in a format for people (after
    a blank line in Markdown, so that it is a paragraph of its own), else on standard error.

    Returns the text printed on standard output when it is the rows (``None`` for a sentence instead).
    """
    from cmograph.render.formats import RENDERERS, Options, render

    chosen = RENDERERS[fmt or default_format()]

    def tell() -> None:
        if note is not None:
            click.echo(("\n" if chosen.name == "markdown" else "") + note, err=not chosen.for_people)

    if not rows and chosen.for_people:
        click.echo(empty)
        tell()
        return None
    shown = rows[offset:] if limit is None else rows[offset: offset + limit]
    if not shown and chosen.for_people:
        click.echo(f"No rows from row {offset + 1}: the answer has {len(rows)} (use a smaller --offset).")
        return None
    text = render(columns, shown, chosen.name, Options(terminal_width(), keep_formulas))
    if not chosen.for_people and sys.stdout.isatty():  # data read by a person: nothing may control the terminal
        from cmograph.render.controls import on_screen

        text = on_screen(text)
    click.echo(text, nl=False, color=True)  # color: click would drop what looks like a colour code from data
    if chosen.for_people:
        tell()
    if not rows:
        click.echo(empty, err=True)
    elif len(shown) < len(rows):
        more = offset + len(shown) < len(rows)  # rows after the page: the limit cut them
        how = "use --limit and --offset to page, --limit 0 for all" if more else "--offset skipped the rows before"
        click.echo(f"({len(shown)} of {len(rows)} rows, from row {offset + 1}; {how})", err=True)
    if not chosen.for_people:
        tell()
    return text


def kept_form(fmt: str, kwargs: dict[str, Any]) -> str | None:
    """The name an answer printed whole in the data format ``fmt`` is kept under (see
    :meth:`cmograph.store.answers.KeptAnswers.keep_form`): ``csv``, or ``csv-formulas`` with ``--keep-formulas``;
    ``None`` when it is not printed as kept (a page of it, or on a terminal)."""
    from cmograph.render.formats import RENDERERS

    if RENDERERS[fmt].for_people or kwargs["offset"] or kwargs["limit"] or sys.stdout.isatty():
        return None
    return fmt + "-formulas" * bool(kwargs["keep_formulas"])


def printed_forms(answer: Any) -> dict[str, bytes]:
    """An answer as ``cmograph ask`` prints it whole to a pipe (CSV), for ``cmograph load`` to keep with it."""
    from cmograph.render.formats import Options, render

    return {"csv": render(answer.columns, answer.rows, "csv", Options()).encode("utf-8")} if answer.rows else {}


def open_source(*args: Any, **kwargs: Any) -> Any:
    """:func:`cmograph.source.open_source`, telling the user on standard error what they must know about the
    data first (that it is not the latest, say)."""
    from cmograph.source import open_source as open_

    source = open_(*args, **kwargs)
    for warning in source.warnings:
        click.echo(f"warning: {said(warning)}", err=True)
    return source


def run_question(question: Any, kwargs: dict[str, Any]) -> None:
    """Open the data, answer ``question`` and print it (the body of every ``ask`` subcommand).

    An answer kept with the store (a slow one) is kept as printed too, the first time it is printed whole in a
    data format, and printed from there after with the note on what it left out, kept beside it, instead of
    reading its rows, tidying and rendering them again, and asking what it left out.
    """
    from cmograph.query.run import answer_with_note, queries
    from cmograph.store.answers import KeptAnswers

    options = {p.name: kwargs.get(p.variable) for p in question.parameters}
    source = open_source(kwargs["data"], kwargs["store"], kwargs["example"], kwargs["base"],
                         progress=progress_printer("checking"), endpoint=kwargs["endpoint"],
                         concepts=kwargs["concepts"])
    chosen = kwargs["fmt"] or default_format()
    form = kept_form(chosen, kwargs)
    keeper = source.engine if form is not None and isinstance(source.engine, KeptAnswers) else None
    with waiting(f"answering {question.id}"):
        sparql, left_out_sparql = queries(question, source.engine, options, kwargs["like"])
        printed = keeper.kept_form(sparql, form) if keeper is not None and form is not None else None
        found = answer_with_note(question, source.engine, sparql, left_out_sparql) if printed is None else None
    if kwargs["show_sparql"]:
        from cmograph.render.controls import u_escaped

        click.echo(u_escaped(sparql.rstrip()) + "\n", err=True)  # stdout stays the answer alone
    if printed is not None:
        kept_text, note = printed
        click.echo(kept_text.decode("utf-8"), nl=False)  # as text: the stream's encoding and line ends apply
        if note is not None:
            click.echo(note, err=True)
        return
    assert found is not None
    limit = kwargs["limit"]
    if limit is None and chosen == "table":
        limit = 100
    text = echo_rows(found.columns, found.rows, chosen, question.empty, limit=limit or None,
                     offset=kwargs["offset"], keep_formulas=kwargs["keep_formulas"], note=found.note)
    if keeper is not None and form is not None and text is not None and found.rows:
        keeper.keep_form(sparql, form, text.encode("utf-8"), found.note)
