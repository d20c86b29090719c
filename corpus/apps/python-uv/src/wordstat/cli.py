import collections
import os
import re
from importlib import metadata, resources

import click

SAMPLE = "The cat and the dog and the bird: a cat of the house"


def stopwords() -> set[str]:
    # package data: it must come along with the installed package
    return set(resources.files("wordstat").joinpath("data/stopwords.txt").read_text().split())


def count(text: str) -> collections.Counter:
    words = re.findall(r"[a-z]+", text.lower())
    return collections.Counter(w for w in words if w not in stopwords())


@click.command()
@click.argument("text", required=False, default=SAMPLE)
def main(text: str) -> None:
    counts = count(text)
    if os.environ.get("SELFTEST"):
        top, n = counts.most_common(1)[0]
        click.echo(
            f"python-uv selftest: wordstat {metadata.version('wordstat')} click {metadata.version('click')}"
            f" words={sum(counts.values())} top={top}:{n} stopwords={len(stopwords())}"
        )
        return
    for word, n in counts.most_common():
        click.echo(f"{n} {word}")
