"""The app side never loads training dependencies or a second OpenFst (kaldifst) next to vosk."""

from __future__ import annotations

import subprocess
import sys


def test_app_side_imports_stay_light() -> None:
    code = (
        "import sys, skill.model.cli, skill.model.recognizer, skill.model.install, "
        "skill.model.graph; bad = {'torch', 'kaldifst', 'kaldi_native_fbank', 'skill.train'}"
        " & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
