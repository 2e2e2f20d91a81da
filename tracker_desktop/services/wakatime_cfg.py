"""`~/.wakatime.cfg` (the INI file every WakaTime plugin and wakatime-cli read): point `api_url`
and `api_key` at the local API, keeping every other line (comments included) as it was, with a
backup of the file taken the first time; and put the previous values back.

Edited line by line rather than rewritten by configparser, which would drop the comments and
reorder nothing but lose the user's layout; configparser only checks the file can be read.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

SECTION = "settings"
KEYS = ("api_url", "api_key")
BACKUP_SUFFIX = ".tracker-desktop-backup"
_SECTION_LINE = re.compile(r"^\s*\[([^\]]*)\]\s*$")


class CfgError(ValueError):
    """The file cannot be read or changed; the message says which and why."""


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$WAKATIME_HOME/.wakatime.cfg`, else `~/.wakatime.cfg` (where wakatime-cli looks)."""
    env = os.environ if environ is None else environ
    home = env.get("WAKATIME_HOME")
    return Path(home).expanduser() / ".wakatime.cfg" if home else Path.home() / ".wakatime.cfg"


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def parse(text: str, where: Path) -> dict[str, str]:
    """The [settings] values, or CfgError if the file is not an INI file configparser reads."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=str(where))
    except configparser.Error as exc:
        raise CfgError(f"{where}: cannot be read as an INI file ({exc.__class__.__name__}: "
                       f"{str(exc).splitlines()[0]}); nothing was changed") from None
    return dict(parser[SECTION]) if parser.has_section(SECTION) else {}


def set_values(text: str, values: Mapping[str, str | None]) -> str:
    """`text` with these [settings] keys set (None: removed), every other line unchanged."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    out: list[str] = []
    section: str | None = None
    header_at: int | None = None
    section_end: int | None = None
    done: set[str] = set()
    skipping = False  # continuation lines of a value being replaced
    for line in lines:
        m = _SECTION_LINE.match(line)
        if m:
            if section == SECTION:
                section_end = len(out)
            section, skipping = m.group(1).strip(), False
            out.append(line)
            if section == SECTION and header_at is None:
                header_at = len(out)
            continue
        if skipping and line[:1] in (" ", "\t") and line.strip():
            continue
        skipping = False
        if section == SECTION:
            key = re.split(r"[=:]", line, maxsplit=1)[0].strip().lower() if ("=" in line or ":" in line) else ""
            if key in values and not line.lstrip().startswith(("#", ";")):
                skipping = True
                if key not in done and values[key] is not None:
                    out.append(f"{key} = {values[key]}\n")
                done.add(key)
                continue
        out.append(line)
    if section == SECTION:
        section_end = len(out)
    missing = [f"{k} = {v}\n" for k, v in values.items() if k not in done and v is not None]
    if missing:
        if header_at is None:
            if out and out[-1].strip():
                out.append("\n")
            out.extend([f"[{SECTION}]\n", *missing])
        else:
            # After the section's last setting (before the blank lines that end it).
            at = section_end if section_end is not None else len(out)
            while at > header_at and not out[at - 1].strip():
                at -= 1
            out[at:at] = missing
    return "".join(out)


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable only by its owner (it holds a key)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CfgError(f"{path}: cannot be read ({exc}); nothing was changed") from None


@dataclass(frozen=True)
class Configured:
    path: Path
    backup: Path
    previous: dict[str, str | None]  # what api_url / api_key were before us
    first_time: bool  # False: it pointed at us already (the backup kept from then)


def configure(path: Path, api_url: str, api_key: str) -> Configured:
    """Point `path` at the local API; the file as it was is kept in `<path>.tracker-desktop-backup`
    (the first time only: configuring twice keeps the values from before us)."""
    text = _read(path)
    current = parse(text or "", path)
    backup = backup_path(path)
    first = not backup.exists()
    try:
        if first:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_private(backup, text or "")
        _write_private(path, set_values(text or "", {"api_url": api_url, "api_key": api_key}))
    except OSError as exc:
        raise CfgError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    before = parse(_read(backup) or "", backup) if not first else current
    return Configured(path, backup, {k: before.get(k) for k in KEYS}, first)


def unconfigure(path: Path) -> dict[str, str | None]:
    """Put back the api_url / api_key from before `configure` (other changes made since stay);
    returns them (None: the setting was absent, so it is removed)."""
    backup = backup_path(path)
    saved = _read(backup)
    if saved is None:
        raise CfgError(f"{path} was not configured by tracker-desktop (no {backup.name}); "
                       "nothing to restore")
    previous = parse(saved, backup)
    values = {k: previous.get(k) for k in KEYS}
    text = _read(path) or ""
    parse(text, path)
    try:
        _write_private(path, set_values(text, values))
        backup.unlink()
    except OSError as exc:
        raise CfgError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return values


def points_at(path: Path, api_url: str) -> bool | None:
    """Whether the file's api_url is ours (None: no file)."""
    text = _read(path)
    if text is None:
        return None
    try:
        return parse(text, path).get("api_url", "").rstrip("/").startswith(api_url.rstrip("/"))
    except CfgError:
        return False
