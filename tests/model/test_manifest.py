"""Every model file is checked against manifest.json when the app loads a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.model import manifest
from skill.model.manifest import ModelError
from skill.model.recognizer import CommandRecognizer


def test_shipped_model_verifies(model_dir: Path) -> None:
    m = manifest.verify(model_dir)
    assert m["version"] and m["files"]
    assert "am/final.mdl" in m["files"]
    assert m["voices"] and not any("slt" in v or "joe" in v for v in m["voices"])


def test_corrupt_file_is_named(model_copy: Path) -> None:
    mdl = model_copy / "am" / "final.mdl"
    data = bytearray(mdl.read_bytes())
    data[1000] ^= 1
    mdl.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"final\.mdl.*sha256"):
        CommandRecognizer(model_copy)


def test_truncated_missing_extra_files(model_copy: Path) -> None:
    words = model_copy / "graph" / "words.txt"
    words.write_text(words.read_text()[:-5])
    with pytest.raises(ModelError, match=r"words\.txt.*bytes"):
        manifest.verify(model_copy)
    words.unlink()
    with pytest.raises(ModelError, match=r"words\.txt is missing"):
        manifest.verify(model_copy)


def test_extra_file_and_missing_manifest(model_copy: Path) -> None:
    (model_copy / "conf" / "extra.conf").write_text("--beam=1\n")
    with pytest.raises(ModelError, match=r"extra\.conf"):
        manifest.verify(model_copy)
    (model_copy / "manifest.json").unlink()
    with pytest.raises(ModelError, match=r"manifest\.json is missing"):
        manifest.verify(model_copy)
