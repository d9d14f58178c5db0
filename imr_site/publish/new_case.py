"""A new case: the template (``case_template/``, shipped as ``imr_site.case_template``) copied
into a folder, with the JSON Schemas beside its data files so that editors check them offline."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from imr_site.case import atomic, gitrepo
from imr_site.case.system import GIT_INSTALL, require_program
from imr_site.review.schema import FILES, SCHEMA_DIR

SCHEMA_COPY = ".imr/schemas"  # inside a new case: the editor finds the schemas offline


def template_files():
    """The files `imr new` copies, as (relative path, Traversable)."""
    root = resources.files("imr_site.case_template")

    def walk(node, prefix=""):
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.name in ("__init__.py", "__pycache__"):
                continue
            if child.is_dir():
                yield from walk(child, rel + "/")
            else:
                yield rel, child

    return list(walk(root))


def new_case(target: Path) -> None:
    """Copy the template into ``target`` (made if missing; the caller checks it is empty)."""
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(node.read_bytes())
    _add_schemas(target)


# From the agency's template, what a review panel's case shares: the CI, pre-commit and Git
# settings. Its settings and parts are its own (templates/panel_case/).
PANEL_SHARED = (".github/", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitignore")


def new_panel(target: Path) -> None:
    """A review panel's case (`imr new --panel`): the agencies are listed in its mkdocs.yml and
    `imr merge` fills its data/."""
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        if rel.startswith(PANEL_SHARED):
            _copy(node, target / rel)
    panel = resources.files("imr_site.publish").joinpath("templates", "panel_case")

    def walk(node, rel=""):
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{rel}{child.name}/")
            else:
                _copy(child, target / f"{rel}{child.name}")

    walk(panel)
    dest = target / SCHEMA_COPY
    dest.mkdir(parents=True, exist_ok=True)
    for file in FILES.values():
        (dest / file).write_bytes((SCHEMA_DIR / file).read_bytes())


def _copy(node, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(node.read_bytes())


def _add_schemas(target: Path) -> None:
    """Copy the JSON Schemas into the new case and point each data file at its own with a
    yaml-language-server modeline (VS Code's YAML extension and other editors read it)."""
    dest = target / SCHEMA_COPY
    dest.mkdir(parents=True, exist_ok=True)
    for name, file in FILES.items():
        (dest / file).write_bytes((SCHEMA_DIR / file).read_bytes())
        data = target / "data" / f"{name}.yml"
        if not data.is_file():
            continue
        text = data.read_text(encoding="utf-8")
        if "yaml-language-server:" not in text:
            line = f"# yaml-language-server: $schema=../{SCHEMA_COPY}/{file}\n"
            data.write_text(line + text, encoding="utf-8")


# --- the tool a new case's CI installs ---------------------------------------------------------

REQUIREMENTS = ".imr/requirements.txt"  # what the case's CI installs: the tool the author has
DIST = "imr-site"
FILL_IN = "CHANGE-ME"


@dataclass(frozen=True)
class InstallSource:
    """Where the running tool came from, as a line pip understands, or why CI cannot reach it."""

    version: str
    requirement: str | None  # None: CI cannot reach the source; the author must fill it in
    why: str  # what the author should know (always said; for None, what to do)

    def requirements_text(self) -> str:
        head = (
            "# The IMR tool this case's CI installs (pip install -r .imr/requirements.txt), written\n"
            f"# by `imr new` from the tool that made the case (version {self.version}).\n"
        )
        if self.requirement is not None:
            return head + f"# {self.why}\n{self.requirement}\n"
        return head + (
            f"# {FILL_IN}: {self.why}\n"
            "# Replace the two lines below with one of these, then commit this file:\n"
            "#   imr-site @ git+https://YOUR-GIT-HOST/YOUR-AGENCY/imr-site.git@v"
            f"{self.version}\n"
            f"#   imr-site @ https://YOUR-AGENCY-INDEX/imr_site-{self.version}-py3-none-any.whl\n"
            "# Until then the CI stops at its first step and says so. (The index line makes pip fail\n"
            "# rather than fetch a package of the same name from the public index.)\n"
            f"--index-url https://{FILL_IN}.invalid/simple\n"
            f"imr-site=={self.version}\n"
        )


def running_install(dist: str = DIST) -> tuple[str, dict | None]:
    """(version, PEP 610 direct_url.json or None) of the installed tool, read from its metadata."""
    import importlib.metadata as md

    found = [d for d in md.distributions(name=dist) if d.read_text("INSTALLER") is not None]
    found = found or list(md.distributions(name=dist))
    if not found:
        return "unknown", None
    d = found[0]
    text = d.read_text("direct_url.json")
    try:
        info = json.loads(text) if text else None
    except ValueError:
        info = None
    return d.version, info if isinstance(info, dict) else None


def install_source(version: str, direct_url: dict | None) -> InstallSource:
    """The requirement line for CI from the install's direct_url.json (PEP 610)."""
    if direct_url is None:
        return InstallSource(
            version,
            None,
            "this tool was installed from a package index, and `imr new` cannot tell which. "
            "Write your agency's index and the version, or the Git URL of your agency's copy.",
        )
    url = str(direct_url.get("url") or "")
    local = url.startswith("file:") or "://" not in url
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and not local:
        ref = vcs.get("commit_id") or vcs.get("requested_revision")
        at = f"@{ref}" if ref else ""
        return InstallSource(
            version, f"{DIST} @ git+{url}{at}", f"From Git, at the commit the author has ({ref})."
        )
    archive = direct_url.get("archive_info")
    if isinstance(archive, dict) and not local:
        return InstallSource(
            version, f"{DIST} @ {url}", "The same wheel or archive the author has."
        )
    if isinstance(direct_url.get("dir_info"), dict):
        kind = "an editable checkout" if direct_url["dir_info"].get("editable") else "a folder"
        return InstallSource(
            version,
            None,
            f"this tool runs from {kind} on this computer ({url}), which CI cannot reach. "
            "Write where your agency keeps the tool: a Git URL at a tag or commit, or a wheel's URL.",
        )
    return InstallSource(
        version,
        None,
        f"this tool was installed from a file on this computer ({url}), which CI cannot reach. "
        "Put that file where CI can fetch it (your agency's index or Git host) and write its URL.",
    )


def write_requirements(target: Path, source: InstallSource) -> Path:
    path = target / REQUIREMENTS
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_atomic(path, source.requirements_text())
    return path


# --- the case's own Git repository ------------------------------------------------------------

FIRST_COMMIT = "New case from the IMR template (imr new)"


def enclosing_repository(target: Path) -> Path | None:
    """The Git repository that ``target`` (which may not exist yet) would be inside, or None."""
    folder = Path(target).resolve()
    while not folder.exists():
        folder = folder.parent
    return gitrepo.toplevel(folder)


def make_repository(target: Path) -> str:
    """``git init`` in ``target`` and commit everything in it; returns the note to show the
    author ('' when Git knows who they are). Raises :class:`MissingTool` without Git, and
    :class:`RuntimeError` (with Git's words) when Git fails."""
    git = require_program(
        "git", "`imr new` (each case is its own Git repository)", GIT_INSTALL + ", or add --no-git"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [git, "-C", str(target), *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()}")
        return done.stdout

    run("init", "-q")
    run("symbolic-ref", "HEAD", "refs/heads/main")
    run("add", "-A")
    who: list[str] = []
    note = ""
    for key, fallback in (("user.name", "imr new"), ("user.email", "imr-new@localhost")):
        known = subprocess.run(
            [git, "-C", str(target), "config", key], capture_output=True, check=False
        )
        if known.returncode != 0:
            who += ["-c", f"{key}={fallback}"]
            note = (
                "Git does not know your name yet, so the first commit is signed 'imr new'. Set "
                'yours with: git config --global user.name "Your Name" and '
                'git config --global user.email "you@agency.example".'
            )
    run(*who, "commit", "-q", "--no-verify", "-m", FIRST_COMMIT)
    return note
