"""Backups: a consistent copy of the database and of the private media, with a manifest.

A backup is a directory:

    manifest.json          what is below, with the size and SHA-256 of every file
    database.pgdump        PostgreSQL: `pg_dump --format=custom` (one snapshot)
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    media/<name>           every file of the private media storage, under its storage name

The database is copied first, then the media: a file uploaded during the backup is at
worst an extra file nobody refers to, never a row whose file is missing.

Media are read and written only through Django's storage API (`storages["default"]`:
listdir, open, save, size, delete), so the same code works on the file system under
MEDIA_ROOT and on object storage (django-storages). The backup directory itself is a
local directory.

`create_backup` writes into a temporary sibling directory and renames it to the target at
the end: an interrupted backup never looks complete (and has no manifest).
`restore_backup` first checks the whole backup against its manifest, then that the target
database and media storage are empty, and only then writes.

Errors are `BackupError` (a Vietnamese message saying what is wrong and what to do);
`RestoreIncomplete`, its subclass, when a restore failed after it started writing, with the
state left behind in the message.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import DatabaseError, connections
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.formatting import fmt_number

FORMAT = "chiso-cchc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024
MAX_LISTED_PROBLEMS = 10
PG_BIN_DIR = "/usr/lib/postgresql/{major}/bin"  # Debian's postgresql-client-<major>

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message (Vietnamese) says why and what to do."""


class RestoreIncomplete(BackupError):
    """A restore failed after it had started writing; the message says what was left behind."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a backup: `path` relative to the backup directory (POSIX, e.g.
    "media/reports/published/2/v1/x.pdf"), `size` in bytes, `sha256` in hex."""

    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class BackupSummary:
    """What `create_backup` wrote (or what `restore_backup` restored): the directory, the
    parsed manifest (dict, as in manifest.json), the database file's size and the number
    and total size (bytes) of media files."""

    directory: Path
    manifest: dict
    database_bytes: int
    media_count: int
    media_bytes: int


def human_size(size: int) -> str:
    """Bytes the Vietnamese way: 512 → "512 byte", 91_500 → "89,4 KiB", 3_500_000 → "3,3 MiB"."""
    if size < 1024:
        return f"{size} byte"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{fmt_number(value, 1)} {unit}"
    raise AssertionError("unreachable")


def _silent(_line: str) -> None:
    pass


def media_storage() -> Storage:
    """The private media storage: `storages["default"]` (settings.STORAGES)."""
    return storages["default"]


# --- media through the storage API -------------------------------------------------------


def iter_storage_files(storage: Storage) -> Iterator[str]:
    """Every file name of `storage`, walked with listdir from the root ("a/b/c.pdf"), sorted
    per directory. A file-system storage whose root does not exist yet holds no file."""
    pending = [""]
    while pending:
        prefix = pending.pop()
        try:
            directories, files = storage.listdir(prefix)
        except FileNotFoundError:
            if prefix == "":
                return
            raise
        for name in sorted(files):
            yield f"{prefix}{name}"
        pending.extend(f"{prefix}{name}/" for name in sorted(directories, reverse=True))


def _write_stream(source, target: Path) -> tuple[int, str]:
    """Copy a binary stream into a new local file (fsynced); returns (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as out:
        while chunk := source.read(CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def copy_media_out(storage: Storage, directory: Path) -> tuple[list[FileEntry], list[str]]:
    """Copy every file of `storage` to `directory`/media/<name>, reading through the storage
    API only. Returns (entries written, names skipped because they were deleted between
    the listing and the read)."""
    entries, vanished = [], []
    for name in iter_storage_files(storage):
        relative = f"{MEDIA_DIR}/{name}"
        try:
            with storage.open(name, "rb") as stream:
                size, sha = _write_stream(stream, directory / relative)
        except FileNotFoundError:
            vanished.append(name)
            continue
        entries.append(FileEntry(relative, size, sha))
    return entries, vanished


def first_storage_file(storage: Storage) -> str | None:
    """The name of one file of `storage`, or None when it holds none."""
    return next(iter_storage_files(storage), None)


def copy_media_in(storage: Storage, directory: Path, entries: list[FileEntry]) -> list[str]:
    """Save each media entry of a verified backup into `storage` under its own name.

    Returns the names saved. Raises BackupError when the storage saved a file under another
    name or size (that file is deleted again) or failed; `saved_so_far` on the exception
    lists what was saved before (the caller decides what to do with it).
    """
    saved: list[str] = []
    for entry in entries:
        name = entry.path[len(MEDIA_DIR) + 1:]
        try:
            with open(directory / entry.path, "rb") as stream:
                stored = storage.save(name, File(stream, name=name))
        except Exception as exc:  # any storage failure (disk full, network, permissions)
            error = BackupError(_("Không ghi được tệp “%(name)s” vào kho tệp: %(error)s") % {"name": name, "error": exc})
            error.saved_so_far = saved
            raise error from exc
        saved.append(stored)
        problem = None
        if stored != name:
            problem = _("kho tệp đã lưu tệp “%(name)s” dưới tên khác (“%(stored)s”)") % {"name": name, "stored": stored}
        elif storage.size(stored) != entry.size:
            problem = _("kho tệp giữ tệp “%(name)s” với dung lượng %(got)s thay vì %(want)s byte") % {
                "name": name, "got": storage.size(stored), "want": entry.size}
        if problem:
            error = BackupError(_("Không khôi phục đúng được tệp: %(problem)s.") % {"problem": problem})
            error.saved_so_far = saved
            raise error
    return saved


# --- the database ------------------------------------------------------------------------


def _vendor(connection) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(_("Cơ sở dữ liệu %(vendor)s không được hỗ trợ: chỉ sao lưu và khôi phục PostgreSQL hoặc SQLite.")
                          % {"vendor": connection.vendor})
    return connection.vendor


def _connect(connection) -> None:
    """Open the connection; a database that does not exist or refuses us is a BackupError."""
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise BackupError(_("Không kết nối được cơ sở dữ liệu “%(name)s” (DATABASE_URL): %(error)s") % {
            "name": connection.settings_dict.get("NAME"), "error": str(exc).strip()}) from None


def _pg_program(connection, program: str) -> str:
    """The pg_dump / pg_restore of the server's major version (Debian installs one per
    version under /usr/lib/postgresql/<major>/bin), else the one on PATH."""
    connection.ensure_connection()
    major = connection.pg_version // 10000
    candidate = Path(PG_BIN_DIR.format(major=major)) / program
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(program)
    if not found:
        raise BackupError(_("Không tìm thấy chương trình %(program)s: hãy cài gói hệ thống postgresql-client "
                            "(apt-get install postgresql-client).") % {"program": program})
    return found


def _pg_connection(connection) -> tuple[list[str], dict]:
    """(arguments naming the server, user and database; environment) from the connection's
    settings (settings.DATABASES). The password goes only into the environment (PGPASSWORD),
    never on a command line; Django's own psql client makes the same environment."""
    settings_dict = connection.settings_dict
    _args, extra_env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    args = []
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    service = settings_dict["OPTIONS"].get("service")
    dbname = settings_dict.get("NAME") or (f"service={service}" if service else "postgres")
    args += ["--dbname", dbname]
    env = {**os.environ, **(extra_env or {})}
    return args, env


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def dump_database(connection, target: Path) -> None:
    """Write a consistent copy of the database to `target` (a new local file).

    PostgreSQL: `pg_dump --format=custom` (one snapshot). SQLite: the online backup API
    (`sqlite3.Connection.backup`, all pages in one step). Raises BackupError.
    """
    if _vendor(connection) == "postgresql":
        args, env = _pg_connection(connection)
        command = [_pg_program(connection, "pg_dump"), *args, "--format=custom", "--file", str(target)]
        result = _run(command, env)
        if result.returncode != 0:
            raise BackupError(_("pg_dump thất bại (mã %(code)s):\n%(stderr)s") % {
                "code": result.returncode, "stderr": _tail(result.stderr)})
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    except sqlite3.Error as exc:
        raise BackupError(_("Không sao chép được cơ sở dữ liệu SQLite: %(error)s") % {"error": exc}) from exc
    finally:
        destination.close()


def table_names(connection) -> list[str]:
    """The tables (and views) the connection sees, sorted."""
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def load_database(connection, source: Path) -> None:
    """Restore a database copy made by `dump_database` into the (empty) database of
    `connection`. PostgreSQL: `pg_restore --no-owner --no-privileges --exit-on-error
    --single-transaction` (a failure leaves the database as it was). SQLite: the online
    backup API from the file into the connection. Raises BackupError."""
    if _vendor(connection) == "postgresql":
        args, env = _pg_connection(connection)
        command = [_pg_program(connection, "pg_restore"), *args, "--no-owner", "--no-privileges",
                   "--exit-on-error", "--single-transaction", str(source)]
        result = _run(command, env)
        if result.returncode != 0:
            raise BackupError(_("pg_restore thất bại (mã %(code)s):\n%(stderr)s") % {
                "code": result.returncode, "stderr": _tail(result.stderr)})
        return
    connection.ensure_connection()
    origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        origin.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(_("Không chép được cơ sở dữ liệu SQLite vào đích: %(error)s") % {"error": exc}) from exc
    finally:
        origin.close()


def migration_state(connection) -> dict[str, str]:
    """The latest applied migration of each app: {"scorecards": "0020_x", …} (latest = last applied)."""
    latest: dict[str, tuple[int, str]] = {}
    for (app, name), record in MigrationRecorder(connection).applied_migrations().items():
        if app not in latest or record.id > latest[app][0]:
            latest[app] = (record.id, name)
    return {app: latest[app][1] for app in sorted(latest)}


def app_revision() -> str | None:
    """The git commit of the running code, or None when it cannot be read cheaply."""
    try:
        # safe.directory: the app's user reads a checkout owned by root (git refuses otherwise).
        result = subprocess.run(["git", "-c", f"safe.directory={settings.BASE_DIR}", "-C", str(settings.BASE_DIR),
                                 "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    revision = result.stdout.strip()
    return revision if result.returncode == 0 and len(revision) == 40 else None


# --- backup ------------------------------------------------------------------------------


def _check_backup_target(directory: Path) -> None:
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise BackupError(_("“%(dir)s” đã có và không phải là thư mục: hãy chọn một thư mục mới.") % {"dir": directory})
    if directory.is_dir() and any(directory.iterdir()):
        raise BackupError(_("Thư mục “%(dir)s” đã có nội dung: bản sao lưu chỉ ghi vào một thư mục mới hoặc trống "
                            "(không ghi đè bản sao lưu cũ).") % {"dir": directory})
    if not directory.parent.is_dir():
        raise BackupError(_("Thư mục cha “%(dir)s” không tồn tại: hãy tạo nó trước.") % {"dir": directory.parent})


def _write_json(path: Path, data: dict) -> None:
    with open(path, "x", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())


def create_backup(directory, *, storage: Storage | None = None, using: str = "default",
                  report: Report = _silent) -> BackupSummary:
    """Back up the database `using` and every file of `storage` (default: the private media
    storage) into `directory`, which must not exist or be empty (its parent must exist).

    Writes a temporary sibling directory and renames it to `directory` once manifest.json is
    written; on any failure the temporary directory is removed and nothing is left at
    `directory`. `report` receives one Vietnamese line per step. Returns a BackupSummary.
    Raises BackupError.
    """
    directory = Path(directory).absolute()
    storage = storage or media_storage()
    connection = connections[using]
    vendor = _vendor(connection)
    _check_backup_target(directory)
    _connect(connection)
    work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.dang-sao-luu-", dir=directory.parent))
    try:
        database_file = DATABASE_FILES[vendor]
        dump_database(connection, work / database_file)
        database_entry = FileEntry(database_file, *_hash_file(work / database_file))
        report(_("Cơ sở dữ liệu (%(vendor)s): đã ghi %(file)s, %(size)s.") % {
            "vendor": VENDOR_LABELS[vendor], "file": database_file, "size": human_size(database_entry.size)})
        media, vanished = copy_media_out(storage, work)
        media_bytes = sum(entry.size for entry in media)
        report(_("Tệp lưu trữ riêng: đã chép %(count)s tệp, %(size)s.") % {"count": len(media), "size": human_size(media_bytes)})
        if vanished:
            report(_("  (bỏ qua %(count)s tệp bị xoá trong lúc sao lưu: %(names)s)") % {
                "count": len(vanished), "names": ", ".join(vanished[:MAX_LISTED_PROBLEMS])})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "app_revision": app_revision(),
            "database": {
                "vendor": vendor,
                "file": database_file,
                "server_version": connection.pg_version if vendor == "postgresql" else sqlite3.sqlite_version,
                "migrations": migration_state(connection),
            },
            "media": {"storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
                      "count": len(media), "bytes": media_bytes},
            "files": [entry.as_dict() for entry in [database_entry, *media]],
        }
        _write_json(work / MANIFEST, manifest)
        report(_("Bản kê %(manifest)s: %(count)s tệp, mỗi tệp có dung lượng và SHA-256.") % {
            "manifest": MANIFEST, "count": len(manifest["files"])})
        work.rename(directory)  # rename(2) also replaces an empty directory
    except OSError as exc:  # disk full, permissions, the target filled meanwhile
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(_("Không ghi được bản sao lưu vào “%(dir)s”: %(error)s. Không có gì được giữ lại.") % {
            "dir": directory, "error": exc}) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report(_("Đã sao lưu vào %(dir)s.") % {"dir": directory})
    return BackupSummary(directory, manifest, database_entry.size, len(media), media_bytes)


# --- verification ------------------------------------------------------------------------


def _safe_relative(path: object) -> str | None:
    """`path` when it is a plain relative POSIX path inside the backup, else None."""
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def read_manifest(directory: Path) -> dict:
    """Parse and check the shape of `directory`/manifest.json. Raises BackupError."""
    path = directory / MANIFEST
    if not directory.is_dir():
        raise BackupError(_("Không có thư mục sao lưu “%(dir)s”.") % {"dir": directory})
    if not path.is_file() or path.is_symlink():
        raise BackupError(_("Thư mục “%(dir)s” không có %(manifest)s: đó không phải là một bản sao lưu hoàn chỉnh.")
                          % {"dir": directory, "manifest": MANIFEST})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(_("%(manifest)s hỏng, không đọc được: %(error)s") % {"manifest": MANIFEST, "error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(manifest)s không phải là bản kê sao lưu của Chỉ số CCHC.") % {"manifest": MANIFEST})
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("Bản sao lưu có định dạng phiên bản %(got)s; phần mềm này đọc phiên bản %(want)s.") % {
            "got": manifest.get("format_version"), "want": FORMAT_VERSION})
    database = manifest.get("database")
    files = manifest.get("files")
    if (not isinstance(database, dict) or database.get("vendor") not in DATABASE_FILES
            or not isinstance(database.get("migrations"), dict) or not isinstance(files, list)
            or not all(isinstance(item, dict) for item in files)):
        raise BackupError(_("%(manifest)s thiếu hoặc sai mục database/files.") % {"manifest": MANIFEST})
    return manifest


def _manifest_entries(manifest: dict) -> tuple[list[FileEntry], list[str]]:
    entries, problems, seen = [], [], set()
    for item in manifest["files"]:
        path = _safe_relative(item.get("path"))
        size, sha = item.get("size"), item.get("sha256")
        if path is None or path == MANIFEST:
            problems.append(_("đường dẫn “%(path)s” ra ngoài thư mục sao lưu hoặc không hợp lệ") % {"path": item.get("path")})
        elif path in seen:
            problems.append(_("tệp “%(path)s” được kê hai lần") % {"path": path})
        elif not isinstance(size, int) or size < 0 or not isinstance(sha, str) or len(sha) != 64:
            problems.append(_("tệp “%(path)s” thiếu dung lượng hoặc SHA-256") % {"path": path})
        else:
            seen.add(path)
            entries.append(FileEntry(path, size, sha.lower()))
    return entries, problems


def _files_on_disk(directory: Path) -> tuple[set[str], list[str]]:
    """Relative paths of the regular files under `directory` (manifest.json excepted) and the
    problems found (symbolic links, special files)."""
    found, problems = set(), []
    for root, dirs, files in os.walk(directory):
        base = Path(root)
        for name in dirs:
            if (base / name).is_symlink():
                problems.append(_("“%(path)s” là liên kết tượng trưng") % {"path": (base / name).relative_to(directory).as_posix()})
        dirs[:] = [name for name in dirs if not (base / name).is_symlink()]
        for name in files:
            relative = (base / name).relative_to(directory).as_posix()
            if (base / name).is_symlink() or not (base / name).is_file():
                problems.append(_("“%(path)s” không phải là tệp thường") % {"path": relative})
            elif relative != MANIFEST:
                found.add(relative)
    return found, problems


def _refuse(directory: Path, problems: list[str]) -> BackupError:
    listed = "\n".join(f"  - {problem}" for problem in problems[:MAX_LISTED_PROBLEMS])
    more = len(problems) - MAX_LISTED_PROBLEMS
    if more > 0:
        listed += "\n  " + _("… và %(count)s lỗi khác") % {"count": more}
    return BackupError(_("Bản sao lưu “%(dir)s” không khớp với bản kê của nó, không khôi phục gì:\n%(problems)s")
                       % {"dir": directory, "problems": listed})


def verify_backup(directory, report: Report = _silent) -> tuple[dict, list[FileEntry]]:
    """Check a backup against its manifest without changing anything: every path stays inside
    the directory, every listed file is there with its size and SHA-256, no file is there
    that the manifest does not list, the database file is listed.

    Returns (manifest dict, entries in manifest order). Raises BackupError listing the problems.
    """
    directory = Path(directory).absolute()
    manifest = read_manifest(directory)
    entries, problems = _manifest_entries(manifest)
    on_disk, disk_problems = _files_on_disk(directory)
    problems += disk_problems
    listed = {entry.path for entry in entries}
    problems += [_("tệp “%(path)s” có trong thư mục nhưng không có trong bản kê") % {"path": path}
                 for path in sorted(on_disk - listed)]
    database_file = manifest["database"].get("file")
    if database_file != DATABASE_FILES[manifest["database"]["vendor"]] or database_file not in listed:
        problems.append(_("bản kê không có tệp cơ sở dữ liệu %(file)s") % {"file": DATABASE_FILES[manifest["database"]["vendor"]]})
    for entry in entries:
        path = directory / entry.path
        if entry.path not in on_disk:
            problems.append(_("thiếu tệp “%(path)s”") % {"path": entry.path})
            continue
        size, sha = _hash_file(path)
        if size != entry.size:
            problems.append(_("tệp “%(path)s” có %(got)s byte, bản kê ghi %(want)s") % {
                "path": entry.path, "got": size, "want": entry.size})
        elif sha != entry.sha256:
            problems.append(_("tệp “%(path)s” có SHA-256 khác bản kê (nội dung đã bị thay đổi)") % {"path": entry.path})
    if problems:
        raise _refuse(directory, problems)
    total = sum(entry.size for entry in entries)
    report(_("Kiểm tra bản sao lưu: %(count)s tệp, %(size)s, đúng dung lượng và SHA-256 như bản kê.") % {
        "count": len(entries), "size": human_size(total)})
    return manifest, entries


# --- restore -----------------------------------------------------------------------------


def _check_migrations_known(manifest: dict) -> None:
    """Refuse a backup made by a newer version of the software (migrations this code lacks)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, name in manifest["database"]["migrations"].items() if (app, name) not in graph.nodes]
    if unknown:
        raise BackupError(_("Bản sao lưu được làm với phiên bản phần mềm mới hơn bản đang chạy (có migration %(list)s mà mã "
                            "nguồn này không có): hãy cập nhật mã nguồn (git pull) rồi khôi phục lại.")
                          % {"list": ", ".join(unknown[:MAX_LISTED_PROBLEMS])})


def _how_to_empty(connection) -> str:
    name = connection.settings_dict.get("NAME")
    if connection.vendor == "postgresql":
        user = connection.settings_dict.get("USER") or "NGƯỜI-DÙNG"
        return _("xoá và tạo lại nó trống, ví dụ: dropdb %(name)s && createdb -O %(user)s %(name)s "
                 "(không chạy migrate trước khi khôi phục)") % {"name": name, "user": user}
    return _("xoá tệp %(name)s hoặc trỏ DATABASE_URL tới một tệp mới (không chạy migrate trước khi khôi phục)") % {
        "name": name}


def target_problems(connection, storage: Storage) -> list[str]:
    """Why the database of `connection` and `storage` cannot receive a restore: [] when
    the database has no table at all and the storage holds no file."""
    problems = []
    tables = table_names(connection)
    if tables:
        problems.append(_("Cơ sở dữ liệu đích “%(name)s” không trống (%(count)s bảng, ví dụ %(some)s): %(how)s.") % {
            "name": connection.settings_dict.get("NAME"), "count": len(tables), "some": ", ".join(tables[:3]),
            "how": _how_to_empty(connection)})
    found = first_storage_file(storage)
    if found is not None:
        problems.append(_("Kho tệp lưu trữ riêng (%(storage)s, MEDIA_ROOT hoặc MEDIA_STORAGE) không trống (có “%(name)s”…): "
                          "hãy dùng một thư mục hoặc bucket trống.") % {"storage": type(storage).__name__, "name": found})
    return problems


def _state_after_database(connection, storage: Storage, saved: list[str]) -> str:
    """Remove the media files this restore saved; say what is left."""
    left = []
    for name in saved:
        try:
            storage.delete(name)
        except Exception:  # best effort: the message names what could not be removed
            left.append(name)
    state = _("Cơ sở dữ liệu ĐÃ được khôi phục. Kho tệp: đã xoá lại %(removed)s tệp vừa ghi") % {
        "removed": len(saved) - len(left)}
    if left:
        state += _(", còn %(count)s tệp không xoá được (%(names)s)") % {
            "count": len(left), "names": ", ".join(left[:MAX_LISTED_PROBLEMS])}
    return state + ". " + _("Để làm lại: làm trống cơ sở dữ liệu (%(how)s) và kho tệp, rồi chạy restore lại.") % {
        "how": _how_to_empty(connection)}


def restore_backup(directory, *, storage: Storage | None = None, using: str = "default",
                   report: Report = _silent) -> BackupSummary:
    """Restore the backup in `directory` into the database `using` and `storage` (default:
    the private media storage), both of which must be empty.

    Order: verify the backup against its manifest; check the vendor matches and that the
    code knows every migration of the backup; check the targets are empty — all before any
    write. Then the database, then each media file (saved under the same name, checked).
    `report` receives one Vietnamese line per step. Returns a BackupSummary.

    Raises BackupError when refused (nothing written), RestoreIncomplete when a write failed
    (the message says exactly what state remains).
    """
    directory = Path(directory).absolute()
    storage = storage or media_storage()
    connection = connections[using]
    manifest, entries = verify_backup(directory, report)
    vendor = manifest["database"]["vendor"]
    if _vendor(connection) != vendor:
        raise BackupError(_("Bản sao lưu là của %(backup)s, còn cơ sở dữ liệu đích là %(target)s: chỉ khôi phục được vào "
                            "cùng loại cơ sở dữ liệu.") % {"backup": VENDOR_LABELS[vendor], "target": VENDOR_LABELS[connection.vendor]})
    _check_migrations_known(manifest)
    _connect(connection)
    problems = target_problems(connection, storage)
    if problems:
        raise BackupError(_("Không khôi phục: đích phải trống.") + "\n" + "\n".join(f"  - {p}" for p in problems))
    report(_("Đích trống: cơ sở dữ liệu %(name)s (%(vendor)s) và kho tệp %(storage)s.") % {
        "name": connection.settings_dict.get("NAME"), "vendor": VENDOR_LABELS[vendor], "storage": type(storage).__name__})

    database_entry = next(entry for entry in entries if entry.path == manifest["database"]["file"])
    try:
        load_database(connection, directory / database_entry.path)
    except BackupError as exc:
        left = table_names(connection)
        state = (_("Cơ sở dữ liệu đích vẫn trống; kho tệp chưa bị động tới.") if not left else
                 _("Cơ sở dữ liệu đích còn %(count)s bảng dở dang: %(how)s; kho tệp chưa bị động tới.") % {
                     "count": len(left), "how": _how_to_empty(connection)})
        raise RestoreIncomplete(f"{exc}\n{state}") from exc
    report(_("Cơ sở dữ liệu: đã khôi phục %(file)s (%(size)s), %(tables)s bảng.") % {
        "file": database_entry.path, "size": human_size(database_entry.size), "tables": len(table_names(connection))})

    media = [entry for entry in entries if entry.path.startswith(f"{MEDIA_DIR}/")]
    try:
        copy_media_in(storage, directory, media)
    except BackupError as exc:
        raise RestoreIncomplete(f"{exc}\n{_state_after_database(connection, storage, getattr(exc, 'saved_so_far', []))}") from exc
    media_bytes = sum(entry.size for entry in media)
    report(_("Tệp lưu trữ riêng: đã khôi phục %(count)s tệp, %(size)s.") % {"count": len(media), "size": human_size(media_bytes)})

    pending = MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes())
    if pending:
        report(_("Bản sao lưu cũ hơn mã nguồn: còn %(count)s migration chưa áp dụng, hãy chạy `manage.py migrate`.") % {
            "count": len(pending)})
    report(_("Đã khôi phục từ %(dir)s.") % {"dir": directory})
    return BackupSummary(directory, manifest, database_entry.size, len(media), media_bytes)
