"""nginx configuration as data: directives and blocks, and what the access rules of a block decide.

Enough of nginx's syntax for the ambassador's configuration (words, quoted strings, comments, blocks), so
that tests state promises about the directives that are in force rather than about text.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"""\s*(?:#[^\n]*|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([{};])|([^\s{};'"#]+))""")


@dataclass(frozen=True)
class Directive:
    name: str
    args: tuple[str, ...]
    block: tuple[Directive, ...] | None = None
    """The directives inside `{ }`, None for a simple directive."""

    def all(self, name: str) -> list[Directive]:
        """The directives called `name` directly in this block."""
        return [d for d in self.block or () if d.name == name]

    def one(self, name: str, *args: str) -> Directive:
        """The only directive called `name` (with these leading arguments) in this block."""
        found = [d for d in self.all(name) if d.args[: len(args)] == args]
        assert len(found) == 1, f"{len(found)} '{name} {' '.join(args)}' directives in '{self.name}'"
        return found[0]

    def value(self, name: str) -> tuple[str, ...] | None:
        """The arguments of the only directive `name` in this block, None without one."""
        found = self.all(name)
        assert len(found) <= 1, f"{name} set {len(found)} times in '{self.name}'"
        return found[0].args if found else None


def parse(text: str) -> Directive:
    """The whole configuration, as the block of a directive called `main`."""
    tokens = list(_tokens(text))
    block, end = _block(tokens, 0)
    assert end == len(tokens), f"unexpected '}}' at token {end}"
    return Directive("main", (), block)


def _tokens(text: str) -> Iterator[str]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            if text[position:].strip():
                raise ValueError(f"cannot read nginx configuration at: {text[position : position + 40]!r}")
            return
        position = match.end()
        quoted, punctuation, word = match.groups()
        if quoted is not None:
            yield quoted[1:-1]
        elif punctuation or word:
            yield punctuation or word


def _block(tokens: Sequence[str], start: int) -> tuple[tuple[Directive, ...], int]:
    directives: list[Directive] = []
    words: list[str] = []
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token == ";":
            directives.append(Directive(words[0], tuple(words[1:])))
            words = []
        elif token == "{":
            inner, index = _block(tokens, index + 1)
            directives.append(Directive(words[0], tuple(words[1:]), inner))
            words = []
        elif token == "}":
            assert not words, f"directive without ';': {words}"
            return tuple(directives), index
        else:
            words.append(token)
        index += 1
    assert not words, f"directive without ';' at the end: {words}"
    return tuple(directives), index


def access_allowed(block: Directive, client: str) -> bool:
    """What nginx's `allow`/`deny` rules of `block` decide for `client`: the first matching rule wins,
    and without a matching rule access is allowed."""
    address = ipaddress.ip_address(client)
    for rule in block.block or ():
        if rule.name not in ("allow", "deny"):
            continue
        (target,) = rule.args
        if target == "all" or address in ipaddress.ip_network(target, strict=False):
            return rule.name == "allow"
    return True
