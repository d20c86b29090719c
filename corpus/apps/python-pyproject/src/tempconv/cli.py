import os

import click

from tempconv import __version__, c_to_f, f_to_c


@click.command()
@click.option("--to", type=click.Choice(["c", "f"]), default="f", help="target scale")
@click.argument("values", nargs=-1, type=float)
def cli(to, values):
    """Convert VALUES to the scale given by --to."""
    conv = c_to_f if to == "f" else f_to_c
    click.echo(" ".join(f"{conv(v):g}" for v in values))


def main():
    if os.environ.get("SELFTEST") == "1":
        vals = " ".join(f"{c_to_f(v):g}" for v in (-40, 0, 37, 100))
        click.echo(f"tempconv {__version__} selftest: {vals}")
        return
    cli()
