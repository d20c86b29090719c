"""The lossless Dockerfile syntax tree: grammar, nodes, parser, printer."""

from .build import json_words
from .errors import DockerfileSyntaxError
from .nodes import *  # noqa: F401,F403 - the node classes are this package's API
from .nodes import Dockerfile, Instruction, Stage
from .parser import parse, parse_instruction

__all__ = ["parse", "parse_instruction", "Dockerfile", "Instruction", "Stage", "DockerfileSyntaxError", "json_words"]
