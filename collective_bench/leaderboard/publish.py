"""Atomic publishing of a rendered site: all files or none, never someone else's directory.

The site is written to a fresh directory next to `out_dir` and swapped in by rename, so a crash
or a full disk leaves the previous site intact. A manifest of the files written lets a rebuild
recognise its own output; a directory holding anything else is refused rather than deleted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from collective_bench.errors import UserError

MANIFEST = ".leaderboard-files"
LEGACY = {"index.html", ".nojekyll"}  # what the first, single-page builder wrote


def owned(directory: Path) -> bool:
    """True when every file of `directory` is one this builder wrote (its manifest)."""
    entries = [p for p in directory.rglob("*")]
    files = {p.relative_to(directory).as_posix() for p in entries if p.is_file()}
    if any(p.is_symlink() for p in entries):
        return False
    if not files:
        return True
    manifest = directory / MANIFEST
    if manifest.is_file():
        listed = set(manifest.read_text(encoding="utf-8").splitlines()) | {MANIFEST}
        return files <= listed
    return files <= LEGACY


def publish(files: Mapping[str, bytes | Path], out_dir: Path) -> None:
    """Write `files` (relative path -> bytes, or a file to copy: logs are not held in memory)
    to a fresh directory, then swap it in by rename."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise UserError(f"output {str(out_dir)!r} exists and is not a directory; "
                        "pass a new or empty directory with --out")
    if out_dir.is_dir() and not owned(out_dir):
        raise UserError(f"output directory {str(out_dir)!r} holds files the leaderboard did not "
                        f"write (see its {MANIFEST}); pass a new or empty directory with --out")
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=parent))
    retired: Path | None = None
    try:
        for name, content in sorted({**files, MANIFEST: "\n".join(sorted(files)).encode()
                                     + b"\n"}.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
        for directory in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            directory.chmod(0o755)  # mkdtemp makes 0700; a static host must read the site
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.replace(out_dir, retired / "site")
        try:
            os.replace(staging, out_dir)
        except OSError:
            if retired is not None:
                os.replace(retired / "site", out_dir)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
