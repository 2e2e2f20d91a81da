"""The database's files on disk: checked before SQLite touches them, and private to their owner.

The record holds every window title and URL, so the data dir is 0700 and its files 0600, as ssh
and keyrings do (issue 7, item 8b). A verb that only reads must not create a database on a mistyped
path (item 8), and a bad path, a read-only directory or a file that is not a database are clear
errors that leave everything as it was (item 6).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
# Every SQLite 3 database starts with these 16 bytes (https://sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
# Files beside the database that belong to it: SQLite's WAL and shared memory, our file locks.
COMPANION_SUFFIXES = ("-wal", "-shm", ".tracker.lock", ".migrate.lock")
LOCK_SUFFIXES = (".tracker.lock", ".migrate.lock")


class DatabaseUnavailable(Exception):
    """The database cannot be used as asked; the message says what is wrong and what to do."""


class NoDatabase(DatabaseUnavailable):
    """There is no database at the path, and the verb only reads."""


def _first_non_directory(path: Path) -> Path | None:
    """The existing path component (path itself or a parent) that is not a directory, if any."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


def tighten(path: Path, mode: int) -> None:
    """Take group and other permissions away from `path` if it has any; say so once in the log.

    Only ever removes bits, so a file the owner made stricter stays as it is.
    """
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~mode & 0o077 == 0:
        return
    try:
        path.chmod(current & mode)
    except OSError as exc:
        logger.warning("%s is readable by other users (mode %04o) and could not be made private: %s",
                       path, current, exc.strerror)
        return
    # A warning, once: after this the mode is right and nothing is logged again.
    logger.warning("made %s private to you (mode %04o -> %04o): it holds your activity record",
                   path, current, current & mode)


def make_private_dirs(path: Path) -> None:
    """mkdir -p with every directory it creates 0700 (e.g. ~/.local/state/tracker-desktop/log and
    the tracker-desktop above it); directories that already exist are left as they are."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        # mkdir's mode is filtered by the umask, and parents get the default; chmod is exact.
        created.chmod(DIR_MODE)


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) as 0700 directories; an existing one is left alone."""
    bad = _first_non_directory(path)
    if bad is not None:
        raise DatabaseUnavailable(
            f"{path} cannot be a directory: {bad} is a file. Give --data-dir (or "
            "TRACKER_DATA_DIR) a directory path.")
    if path.is_dir():
        return
    try:
        make_private_dirs(path)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create the directory {path}: {exc.strerror}") from None


def _only_ours(data_dir: Path, db_name: str) -> bool:
    # The database, its companions, copies a person made of it (tracker.sqlite3.broken, .bak)
    # and the secrets fallback file.
    try:
        return all(entry.name.startswith(db_name) or entry.name == "secrets.cfg"
                   for entry in data_dir.iterdir())
    except OSError:
        return False


def tighten_data_dir(data_dir: Path, db_name: str) -> None:
    """Make the data dir 0700, but only a dedicated one.

    `--data-dir` may name a shared place (/tmp, a home, a project dir) whose mode is not ours to
    change; the files in it are 0600 anyway, so only their names would show. A dir holding nothing
    but the database and its companions is ours.
    """
    if _only_ours(data_dir, db_name):
        tighten(data_dir, DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty 0600 file if it is missing, without racing the umask.

    os.open's mode applies at creation, before anyone can open the file; SQLite then gives its
    -wal and -shm files the database file's mode, so those are 0600 from their first byte too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def check_header(db_path: Path) -> None:
    """Refuse a file that is not an SQLite database before SQLite opens it (and maybe writes)."""
    try:
        with open(db_path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read the database {db_path}: {exc.strerror}") from None
    # SQLite treats an empty file as a new, empty database.
    if head and head != SQLITE_HEADER:
        raise DatabaseUnavailable(corrupt_message(db_path, "it is not an SQLite database"))


def corrupt_message(db_path: Path, what: str) -> str:
    return (f"{db_path} cannot be used: {what}. It was left untouched. To recover, move it aside "
            f"(e.g. mv {db_path} {db_path}.broken) and restore a backup into its place (sqlite3's "
            "'.recover' command can often save most of a damaged one), or let tracker-desktop "
            "start a new one there; or use another --data-dir.")


def _writable(path: Path) -> bool:
    # os.access answers for the real user: true for root, whatever the mode bits say.
    return os.access(path, os.W_OK)


def prepare_database(db_path: Path, *, create: bool) -> None:
    """Check the database's path before SQLite opens it; create it privately if `create`.

    Raises NoDatabase if it is missing and `create` is false, DatabaseUnavailable for a path
    that is not usable. Existing files keep their content; only group/other bits are removed.
    """
    data_dir = db_path.parent
    bad = _first_non_directory(data_dir)
    if bad is not None:
        raise DatabaseUnavailable(
            f"the data directory {data_dir} is not a directory ({bad} is a file). Give --data-dir "
            "(or TRACKER_DATA_DIR) a directory path.")
    if db_path.is_dir():
        raise DatabaseUnavailable(f"{db_path} is a directory, not a database file; move it aside "
                                  "or use another --data-dir.")
    if not db_path.exists():
        if not create:
            raise NoDatabase(
                f"there is no database in {data_dir} (nothing has been recorded there). Check "
                "--data-dir / TRACKER_DATA_DIR for a typo; to start one, run: tracker-desktop run "
                "(or tracker-desktop import FILE).")
        # Checked before anything changes: a bad input leaves the directory as it was.
        if data_dir.exists() and not _writable(data_dir):
            raise DatabaseUnavailable(read_only_message(data_dir))
        private_dir(data_dir)
        tighten_data_dir(data_dir, db_path.name)
        create_private_file(db_path)
    else:
        check_header(db_path)
        # WAL mode needs to write the -wal/-shm files beside the database even to read it, and
        # status/report store the day summaries they compute; see read_only_message().
        if not _writable(data_dir) or not _writable(db_path):
            raise DatabaseUnavailable(read_only_message(data_dir))
        tighten_data_dir(data_dir, db_path.name)
    for suffix in COMPANION_SUFFIXES:
        companion = db_path.with_name(db_path.name + suffix)
        if create and suffix in LOCK_SUFFIXES:
            # filelock creates a missing lock file under the umask (0644); created here, it is
            # opened as it is.
            create_private_file(companion)
        tighten(companion, FILE_MODE)
    tighten(db_path, FILE_MODE)


def read_only_message(data_dir: Path) -> str:
    return (f"the data directory {data_dir} (or the database in it) is read-only. tracker-desktop "
            "needs write access to it, even to read: SQLite keeps its write-ahead log (-wal, -shm) "
            "beside the database, and reports store the day summaries they compute. Make it "
            f"writable (chmod u+w {data_dir}), or copy the directory somewhere writable and pass "
            "that as --data-dir.")


def explain(exc: BaseException, db_path: Path) -> DatabaseUnavailable | None:
    """A DatabaseUnavailable for an SQLite error a person can act on, or None for other errors.

    The header check catches most broken files before they are opened; a file whose damage is
    further in shows up as one of these once a query reaches it.
    """
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "file is not a database" in text or "malformed" in text:
        return DatabaseUnavailable(corrupt_message(db_path, f"it is damaged ({text})"))
    if "readonly database" in text or "read-only" in text:
        return DatabaseUnavailable(read_only_message(db_path.parent))
    if "unable to open database file" in text:
        return DatabaseUnavailable(f"cannot open the database {db_path}: check that its directory "
                                   "exists and that you may read and write it.")
    if "disk i/o error" in text or "database or disk is full" in text:
        return DatabaseUnavailable(f"cannot write the database {db_path}: {text}. Free some space "
                                   "or check the disk.")
    return None
