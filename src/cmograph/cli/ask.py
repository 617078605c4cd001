"""``cmograph ask``: one subcommand per canned question, built from the questions' headers."""

from __future__ import annotations

from typing import Any

import click


class QuestionGroup(click.Group):
    """Lists and builds question commands lazily from ``queries/*.rq``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from cmograph.query.catalogue import titles

        return list(titles())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from cmograph.query.catalogue import get_question, questions

        if name not in questions():
            from cmograph.cli.common import guarded

            guarded(lambda: get_question(name))
        return question_command(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from cmograph.query.catalogue import titles

        with formatter.section("Questions"):
            formatter.write_dl(list(titles().items()))


def question_command(qid: str) -> click.Command:
    """A click command for one question: its own options plus the shared data and output options."""
    from cmograph.cli.common import KEEP_FORMULAS_HELP, data_params, format_param
    from cmograph.query.catalogue import get_question
    from cmograph.render.formats import RENDERERS

    question = get_question(qid)

    def callback(**kwargs: Any) -> None:
        from cmograph.cli.common import run_question

        run_question(question, kwargs)

    params: list[click.Parameter] = []
    for p in question.parameters:
        kind: Any = click.Choice(p.choices) if p.type == "choice" else (int if p.type == "integer" else str)
        help_text = p.help + (f" (e.g. {p.example!r})" if p.example else "")
        params.append(click.Option([f"--{p.name}", p.variable], type=kind, required=False,
                                   default=None, help=help_text + (" [required]" if p.required else "")
                                   + (f" [default: {p.default}]" if p.default is not None else ""),
                                   metavar=p.type.upper() if p.type not in ("choice",) else None))
    params += data_params()
    params += [
        format_param(RENDERERS, "Output format (default: table on a terminal, else csv)."),
        click.Option(["--limit"], type=click.IntRange(0), default=None,
                     help="Show at most this many rows (tables default to 100; 0 for all)."),
        click.Option(["--offset"], type=click.IntRange(0), default=0, help="Skip this many rows."),
        click.Option(["--like"], is_flag=True, help="Match names as case-insensitive substrings, taking all."),
        click.Option(["--keep-formulas"], is_flag=True, help=KEEP_FORMULAS_HELP),
        click.Option(["--show-sparql"], is_flag=True,
                     help="Print the SPARQL that runs on standard error, before the answer."),
    ]
    epilog = f"Example:\n\n\b\n  {question.example}" if question.example else None
    return click.Command(qid, callback=callback, params=params, help=question.description,
                         short_help=question.title, epilog=epilog)


@click.group(cls=QuestionGroup, invoke_without_command=True)
@click.option("--list", "list_", is_flag=True, help="List the questions.")
@click.pass_context
def ask(ctx: click.Context, list_: bool) -> None:
    """Ask a realist question: what worked, for whom, when, in what circumstances, and why.

    Run `cmograph ask QUESTION --help` for a question's options.
    """
    if ctx.invoked_subcommand is None:
        from cmograph.query.catalogue import titles

        for qid, title in titles().items():
            click.echo(f"{qid:<18} {title}")
        if not list_:
            click.echo("\nRun `cmograph ask QUESTION --help` for its options, "
                       "e.g. `cmograph ask what-worked --example`.")

