"""A strict stand-in for `elasticsearch-keystore` (Elasticsearch 8), the image's keystore tool.

    elasticsearch-keystore create
    elasticsearch-keystore list
    elasticsearch-keystore add [-f|--force] [-x|--stdin] SETTING...
    elasticsearch-keystore remove SETTING...

As the real tool, it keeps `elasticsearch.keystore` in the config directory (`$ES_PATH_CONF`, default
/usr/share/elasticsearch/config), always with a `keystore.seed` entry; `add --stdin` takes one line of
standard input per setting (its trailing newline dropped) and fails on a missing line; without `--stdin` or
without `--force` the real tool would prompt on a terminal (for the value, to create a missing keystore, to
overwrite an entry), which a container does not have: the stand-in fails there, as the real tool does without
one. Setting names must match `[A-Za-z0-9_\\-.]+`; unknown options are usage errors (exit 64). The file is
JSON (the real one is an encrypted binary): only the stand-in Elasticsearch reads it (`read_keystore`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
from pathlib import Path

FILE = "elasticsearch.keystore"
SEED = "keystore.seed"
_SETTING = re.compile(r"^[A-Za-z0-9_\-.]+$")
USAGE, DATA, IO_ERROR = 64, 65, 74


class KeystoreError(Exception):
    def __init__(self, message: str, code: int = DATA) -> None:
        super().__init__(message)
        self.code = code


def keystore_path(env: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    return Path(env.get("ES_PATH_CONF", "/usr/share/elasticsearch/config")) / FILE


def read_keystore(path: Path) -> dict[str, str]:
    """The entries of a keystore the stand-in wrote; KeystoreError when there is none or it is not one."""
    if not path.exists():
        raise KeystoreError(f"Elasticsearch keystore not found at [{path}]. Use 'create' command to create one.")
    data = json.loads(path.read_text())
    if data.get("format") != "standin-keystore-1" or SEED not in data.get("entries", {}):
        raise KeystoreError(f"{path} is not an Elasticsearch keystore")
    return dict(data["entries"])


def _write(path: Path, entries: dict[str, str]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"format": "standin-keystore-1", "entries": entries}))
    temporary.chmod(0o660)
    temporary.replace(path)


def _no_terminal(question: str) -> KeystoreError:
    return KeystoreError(f"{question} (the stand-in has no terminal to ask on: run with --force/--stdin)", IO_ERROR)


def _split(arguments: list[str], flags: dict[str, str]) -> tuple[set[str], list[str]]:
    """Options (by canonical name) and positional arguments; an unknown option is a usage error."""
    options, positional = set(), []
    for argument in arguments:
        if argument.startswith("-"):
            if argument not in flags:
                raise KeystoreError(f"{argument} is not a recognized option", USAGE)
            options.add(flags[argument])
        else:
            positional.append(argument)
    return options, positional


def _settings(names: list[str]) -> list[str]:
    if not names:
        raise KeystoreError("the setting names can not be null", USAGE)
    for name in names:
        if not _SETTING.match(name):
            raise KeystoreError(
                f"Setting name [{name}] does not match the allowed setting name pattern [{_SETTING.pattern}]"
            )
    return names


def add(path: Path, arguments: list[str], stdin: list[str]) -> None:
    options, names = _split(arguments, {"-f": "force", "--force": "force", "-x": "stdin", "--stdin": "stdin"})
    names = _settings(names)
    force = "force" in options
    if path.exists():
        entries = read_keystore(path)
    elif force:
        entries = {SEED: secrets.token_urlsafe(16)}
    else:
        raise _no_terminal("The elasticsearch keystore does not exist. Do you want to create it?")
    for name in names:
        if name in entries and not force:
            raise _no_terminal(f"Setting {name} already exists. Overwrite?")
        if "stdin" not in options:
            raise _no_terminal(f"Enter value for {name}:")
        if not stdin:
            raise KeystoreError(f"missing value for setting [{name}] on standard input")
        entries[name] = stdin.pop(0).removesuffix("\n")
    _write(path, entries)


def run(arguments: list[str], path: Path, stdin_text: str) -> str:
    """Run one command; what it prints. KeystoreError on failure."""
    if not arguments:
        raise KeystoreError("Missing command: one of create, list, add, remove", USAGE)
    command, rest = arguments[0], arguments[1:]
    if command == "create":
        _split(rest, {})
        if path.exists():
            raise _no_terminal("An elasticsearch keystore already exists. Overwrite?")
        _write(path, {SEED: secrets.token_urlsafe(16)})
        return f"Created elasticsearch keystore in {path.parent}\n"
    if command == "list":
        _split(rest, {})
        return "".join(f"{name}\n" for name in sorted(read_keystore(path)))
    if command == "add":
        add(path, rest, stdin_text.splitlines(keepends=True))
        return ""
    if command == "remove":
        _split(rest, {})
        entries = read_keystore(path)
        for name in _settings(rest):
            if name not in entries:
                raise KeystoreError(f"Setting [{name}] does not exist in the keystore.")
            del entries[name]
        _write(path, entries)
        return ""
    raise KeystoreError(f"Unknown command [{command}]", USAGE)


def main() -> None:
    arguments = sys.argv[1:]
    wants_stdin = len(arguments) > 0 and arguments[0] == "add" and ("-x" in arguments or "--stdin" in arguments)
    try:
        sys.stdout.write(run(arguments, keystore_path(), sys.stdin.read() if wants_stdin else ""))
    except KeystoreError as error:
        sys.stderr.write(f"ERROR: {error}\n")
        sys.exit(error.code)


if __name__ == "__main__":
    main()
