"""`config`: where things live and the settings in effect."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="show the settings in effect and where files live")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx) -> int:  # type: ignore[no-untyped-def]
    import os

    from tracker_desktop.config import ENV_CONFIG, default_config_path
    from tracker_desktop.logs import log_dir

    config_path = args.config or (os.environ.get(ENV_CONFIG) or default_config_path())
    out = {
        "config_file": str(config_path),
        "config_file_exists": os.path.exists(config_path),
        "database": str(ctx.settings.db_path),
        "log_dir": str(log_dir()),
        "settings": json.loads(ctx.settings.model_dump_json(exclude={"data_dir"})),
    }
    if args.json:
        print(json.dumps(out, indent=2), file=ctx.out)
    else:
        print(f"config file: {out['config_file']}" + ("" if out["config_file_exists"] else " (not created; defaults in use)"), file=ctx.out)
        print(f"database:    {out['database']}", file=ctx.out)
        print(f"logs:        {out['log_dir']}", file=ctx.out)
        print(json.dumps(out["settings"], indent=2), file=ctx.out)
    return 0
