"""msb-refactor: rewrite Dockerfiles into production-grade multi-stage builds.

Public API::

    import refactor
    tree = refactor.parse(text, path="Dockerfile")
    assert tree.code == text
    user = refactor.parse_instruction("USER app")
"""

from .syntax import Dockerfile, DockerfileSyntaxError, Instruction, parse, parse_instruction

__all__ = ["parse", "parse_instruction", "Dockerfile", "Instruction", "DockerfileSyntaxError"]
__version__ = "0.1.0"
