"""Install an official Vosk model: download, verify size and sha256, unpack to the data dir.

Nothing is downloaded unless the user runs ``massage-coach models install NAME``.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from skill.model import manifest
from skill.model.manifest import ModelError

log = logging.getLogger(__name__)
BASE_URL = "https://alphacephei.com/vosk/models"


@dataclass(frozen=True)
class Official:
    """A published Vosk model archive."""

    name: str
    size_mb: float  #: size published on the models page (approximate, MB)
    sha256: str | None  #: published sha256 of the zip (None: the user must pass one)

    def url(self, base: str = BASE_URL) -> str:
        return f"{base}/{self.name}.zip"


CATALOG: dict[str, Official] = {
    m.name: m
    for m in (
        Official(
            "vosk-model-small-en-us-0.15",
            40,
            "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        ),
        Official(
            "vosk-model-en-us-0.22",
            1800,
            "d410847b53faf1850f2bb99fb7a08adcb49dd236dcba66615397fe57a3cf68f5",
        ),
        Official("vosk-model-en-us-0.22-lgraph", 128, None),
    )
}


def models_dir() -> Path:
    """Where installed models live (the user's data dir)."""
    return Path(platformdirs.user_data_dir("massage-coach")) / "models"


def installed() -> list[Path]:
    d = models_dir()
    return sorted(p for p in d.iterdir() if p.is_dir()) if d.is_dir() else []


def _download(url: str, dest: Path, progress: Callable[[int, int], None] | None) -> str:
    """Stream ``url`` to ``dest``; returns its sha256. Raises ModelError on short reads."""
    h = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as r, dest.open("wb") as out:
            total = int(r.headers.get("Content-Length") or 0)
            done = 0
            while block := r.read(1 << 20):
                h.update(block)
                out.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, OSError) as e:
        raise ModelError(f"download of {url} failed: {e}") from e
    if total and done != total:
        raise ModelError(f"download of {url} was truncated: got {done} of {total} bytes")
    return h.hexdigest()


def install(
    name: str,
    base_url: str = BASE_URL,
    target: Path | None = None,
    sha256: str | None = None,
    size_tolerance: float = 0.2,
    progress: Callable[[int, int], None] | None = None,
    catalog: dict[str, Official] | None = None,
) -> Path:
    """Download, verify and unpack official model ``name``; returns its directory."""
    catalog = CATALOG if catalog is None else catalog
    if name not in catalog:
        raise ModelError(f"unknown model {name!r}; known: {', '.join(catalog)}")
    m = catalog[name]
    want = sha256 or m.sha256
    if not want:
        raise ModelError(
            f"no published sha256 is recorded for {name}; pass --sha256 with the "
            "value from the Vosk models page"
        )
    target = target or models_dir()
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        zpath = Path(tmp) / f"{name}.zip"
        got = _download(m.url(base_url), zpath, progress)
        size_mb = zpath.stat().st_size / 1e6
        if abs(size_mb - m.size_mb) > size_tolerance * m.size_mb:
            raise ModelError(
                f"{name}.zip is {size_mb:.1f} MB but {m.size_mb:g} MB is published "
                "(incomplete or wrong file); try again"
            )
        if got != want:
            raise ModelError(
                f"{name}.zip has sha256 {got}, expected {want} (corrupted "
                "download or tampered file); nothing was installed"
            )
        try:
            with zipfile.ZipFile(zpath) as z:
                for info in z.infolist():
                    if info.filename.startswith("/") or ".." in Path(info.filename).parts:
                        raise ModelError(f"{name}.zip has an unsafe path {info.filename!r}")
                z.extractall(Path(tmp) / "x")
        except zipfile.BadZipFile as e:
            raise ModelError(f"{name}.zip is not a valid zip archive: {e}") from e
        root = Path(tmp) / "x" / name
        if not root.is_dir():
            raise ModelError(f"{name}.zip does not contain a {name}/ folder")
        manifest.write(
            root,
            {
                "name": name,
                "version": name.rsplit("-", 1)[-1],
                "source": m.url(base_url),
                "zip_sha256": got,
            },
        )
        dest = target / name
        shutil.rmtree(dest, ignore_errors=True)
        root.rename(dest)
    log.info("installed %s to %s", name, dest)
    return dest
