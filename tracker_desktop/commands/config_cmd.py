"""`config`: where things live and the settings in effect, as a readable summary or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tracker_desktop.commands.base import Context

DESCRIPTION = (
    "Show where the config file, the database and the logs are, and every setting in effect, "
    "written as config.toml would hold it (settings you changed are marked; the rest are the "
    "defaults). Never creates the database or any file.")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("config", help="show the settings in effect and where files live",
                       description=DESCRIPTION)
    p.add_argument("--json", action="store_true",
                   help='one JSON object: {"config_file", "config_file_exists", "data_dir", '
                        '"database", "database_exists", "log_dir", "settings"}')
    p.set_defaults(handler=handle)


def _toml_value(value: Any) -> str:
    # JSON strings are valid TOML basic strings; the rest is spelled as TOML spells it.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    return json.dumps(str(value))


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def render_settings(settings: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    """The settings as config.toml sections; values that differ from the defaults are marked."""
    lines: list[str] = []
    for section, values in settings.items():
        if not isinstance(values, dict):
            continue
        lines += ["", f"[{section}]"]
        tables = []
        for key, value in values.items():
            mark = "" if defaults.get(section, {}).get(key) == value else "  # set by you"
            if value is None:
                lines.append(f"# {key} = (not set){mark}")
            elif _is_table_list(value):
                tables.append((key, value, mark))
            else:
                lines.append(f"{key} = {_toml_value(value)}{mark}")
        for key, rows, mark in tables:
            for row in rows:
                lines += ["", f"[[{section}.{key}]]{mark}"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in row.items() if v is not None]
    return lines


def handle(args: argparse.Namespace, ctx: Context) -> int:
    import os

    from tracker_desktop.config import ENV_CONFIG, Settings, default_config_path
    from tracker_desktop.logs import log_dir

    config_path = args.config or (os.environ.get(ENV_CONFIG) or default_config_path())
    settings = ctx.settings
    db = settings.db_path
    out: dict[str, Any] = {
        "config_file": str(config_path),
        "config_file_exists": os.path.exists(config_path),
        "data_dir": str(settings.data_dir),
        "database": str(db),
        # A look, not an open: `config` must work (and create nothing) on a typo'd --data-dir.
        "database_exists": db.is_file(),
        "log_dir": str(log_dir()),
        "settings": settings.model_dump(exclude={"data_dir"}),
    }
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False), file=ctx.out)
        return 0
    defaults = Settings().model_dump(exclude={"data_dir"})
    config_note = "" if out["config_file_exists"] else "  (not created; the defaults are in use)"
    db_note = "" if out["database_exists"] else (
        "  (does not exist yet; `tracker-desktop run` or `import` starts it)")
    lines = [
        f"Config file:  {out['config_file']}{config_note}",
        f"Database:     {out['database']}{db_note}",
        f"Logs:         {out['log_dir']}",
        "",
        "Settings in effect:",
        *render_settings(out["settings"], defaults),
    ]
    print("\n".join(lines), file=ctx.out)
    return 0
