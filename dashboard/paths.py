"""Results folders under RESULTS_ROOT: listing them, and resolving a name safely.

Experiment names come from the browser, so each one is checked: a relative path without '..'
that resolves (symlinks followed) inside the root to a complete results folder. Nothing outside
the root is listed or read.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from orgsim.results import MANIFEST, ResultsError, read_manifest

MAX_DEPTH = 2  # root/name and root/group/name
MAX_NAME = 1024  # characters of an experiment name


class UnsafePathError(ValueError):
    """An experiment name that does not resolve to a results folder inside the root."""


def resolve_experiment(root: Path, name: object) -> Path:
    """The folder of experiment ``name`` under ``root``; UnsafePathError if it is anything else."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise UnsafePathError(f"refused: {name!r:.80} is not an experiment name")
    if len(name) > MAX_NAME:
        raise UnsafePathError(f"refused: an experiment name of {len(name):,} characters")
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts or len(rel.parts) > MAX_DEPTH:
        raise UnsafePathError(f"refused: {name!r} is not a folder inside the results root")
    try:
        base = root.resolve()
        folder = (base / rel).resolve()
        if not folder.is_relative_to(base):
            raise UnsafePathError(f"refused: {name!r} leads outside the results root")
        if not (folder / MANIFEST).is_file():
            raise UnsafePathError(f"refused: {name!r} is not an orgsim results folder")
    except OSError as err:
        raise UnsafePathError(f"refused: {name!r} cannot be read ({err.strerror})") from None
    return folder


def _candidates(root: Path) -> list[str]:
    """Relative names of folders under ``root`` (to MAX_DEPTH) that hold a manifest."""
    names, level = [], ["."]
    for _ in range(MAX_DEPTH + 1):
        nxt = []
        for rel in level:
            try:
                if (root / rel / MANIFEST).is_file():
                    names.append(rel)
                with os.scandir(root / rel) as it:
                    nxt += [
                        str(PurePosixPath(rel, e.name))
                        for e in it
                        if e.is_dir() and not e.name.startswith(".")
                    ]
            except OSError:  # unreadable: not listed
                continue
        level = nxt
    return names


def list_experiments(root: Path) -> list[str]:
    """Names of the complete results folders under ``root``, sorted; [] if there are none."""
    if not root.is_dir():
        return []
    out = []
    for name in _candidates(root):
        try:
            folder = resolve_experiment(root, name)
            if read_manifest(folder).get("status") == "complete":
                out.append(name)
        except (UnsafePathError, ResultsError, OSError, TypeError, AttributeError):
            continue  # damaged or unreadable: not listed
    return sorted(out)
