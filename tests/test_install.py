"""Installing where authors are: one list of system packages (setup.sh, the Containerfile), a
quiet wheel, `imr new` giving each case its own Git repository and a requirements file for its CI
that names the tool the author has, one clear line when something on the machine is missing,
and the plugin under ProperDocs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from imr_site.cli import main
from imr_site.publish.new_case import REQUIREMENTS, install_source

REPO = Path(__file__).resolve().parent.parent
PACKAGES = REPO / "scripts" / "system-packages.txt"


def listed(*kinds: str) -> list[str]:
    out = []
    for line in PACKAGES.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not line.startswith("#") and parts[0] in kinds:
            out.append(parts[1])
    return out


def shell_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith("#")]


# --- one list of system packages ---------------------------------------------------------------


def test_setup_script_installs_exactly_the_listed_packages():
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    start = setup.index("kinds=")
    end = setup.index("scripts/system-packages.txt)", start) + len("scripts/system-packages.txt)")
    snippet = setup[start:end]
    for want_test, kinds in ((0, ("run",)), (1, ("run", "test"))):
        script = f'want_test={want_test}\n{snippet}\nprintf "%s\\n" "${{packages[@]}}"\n'
        out = subprocess.run(
            ["bash", "-c", script], cwd=REPO, capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == listed(*kinds)
    assert listed("run") == ["git", "python3", "python3-venv"]
    assert "libatomic1" in listed("test") and "chromium" in listed("test")
    # No package is named in the script's code itself: the list is the one place.
    code = "\n".join(shell_lines(setup))
    for name in listed("run", "test"):
        assert not re.search(
            rf"(?<![\w/.-]){re.escape(name)}(?![\w-])", code.replace(snippet, "")
        ), name


def test_containerfile_installs_the_run_packages_from_the_same_list():
    text = (REPO / "Containerfile").read_text(encoding="utf-8")
    assert "COPY scripts/system-packages.txt /tmp/system-packages.txt" in text
    awk = re.search(r"\$\((awk [^)]*) /tmp/system-packages\.txt\)", text)
    assert awk, "the Containerfile does not read the package list with awk"
    out = subprocess.run(
        ["bash", "-c", f"{awk.group(1)} {PACKAGES}"], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == listed("run")
    for name in listed("test"):
        assert name not in text
    assert re.search(r"^FROM docker\.io/library/debian:12-slim$", text, re.M)
    assert "pip install --no-cache-dir /tmp/imr-src" in text
    assert 'ENTRYPOINT ["imr"]' in text and "WORKDIR /case" in text
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


# --- the source a new case's CI installs ------------------------------------------------------


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (
            {
                "url": "https://git.example.org/agency/imr.git",
                "vcs_info": {"vcs": "git", "commit_id": "abc123"},
            },
            "imr-site @ git+https://git.example.org/agency/imr.git@abc123",
        ),
        (
            {"url": "https://pkgs.example.org/imr_site-0.1.0-py3-none-any.whl", "archive_info": {}},
            "imr-site @ https://pkgs.example.org/imr_site-0.1.0-py3-none-any.whl",
        ),
        ({"url": "file:///home/me/imr", "dir_info": {"editable": True}}, None),
        ({"url": "file:///home/me/imr", "dir_info": {}}, None),
        ({"url": "file:///home/me/imr_site-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "file:///home/me/imr", "vcs_info": {"vcs": "git", "commit_id": "abc"}}, None),
        (None, None),
    ],
)
def test_install_source_from_the_install_metadata(direct_url, requirement):
    source = install_source("0.1.0", direct_url)
    assert source.requirement == requirement
    text = source.requirements_text()
    active = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if requirement:
        assert active == [requirement] and "CHANGE-ME" not in text
    else:
        # A clearly marked setting to fill in, which pip can never satisfy from the public
        # index: never an unclaimed package name on its own.
        assert "# CHANGE-ME:" in text
        assert active == ["--index-url https://CHANGE-ME.invalid/simple", "imr-site==0.1.0"]


def test_imr_new_makes_a_repository_with_a_first_commit_and_the_requirements(tmp_path, capsys):
    target = tmp_path / "my-imr"
    assert main(["new", str(target)]) == 0
    out = capsys.readouterr()
    assert "Git repository with a first commit" in out.out
    assert (target / REQUIREMENTS).is_file()
    git = ["git", "-C", str(target)]
    log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True, check=True)
    assert log.stdout.splitlines() == ["New case from the IMR template (imr new)"]
    status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # everything, the CI files and .imr/ included, is committed
    tracked = subprocess.run([*git, "ls-files"], capture_output=True, text=True).stdout.split()
    for name in (".github/workflows/imr.yml", ".gitlab-ci.yml", REQUIREMENTS, "mkdocs.yml"):
        assert name in tracked
    top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    assert Path(top.stdout.strip()).resolve() == target.resolve()


def test_imr_new_no_git_and_the_warning_inside_another_repository(tmp_path, capsys):
    assert main(["new", "--no-git", str(tmp_path / "plain")]) == 0
    assert not (tmp_path / "plain" / ".git").exists()
    assert "Warning" not in capsys.readouterr().err
    outer = tmp_path / "tool"
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    assert main(["new", str(outer / "my-imr")]) == 0
    err = capsys.readouterr().err
    assert f"is inside the Git repository {outer.resolve()}" in err
    assert (outer / "my-imr" / ".git").is_dir()


def test_imr_new_without_git_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["new", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs the program 'git'" in err and "apt-get install git" in err
    assert "--no-git" in err
    assert not (tmp_path / "c").exists()  # nothing half-made


def test_ci_files_install_from_the_requirements_file_never_a_bare_name():
    template = REPO / "case_template"
    gh = yaml.safe_load((template / ".github/workflows/imr.yml").read_text())
    step = next(
        s for s in gh["jobs"]["check-and-build"]["steps"] if s.get("name") == "Install the IMR tool"
    )
    assert "pip install -r .imr/requirements.txt" in step["run"]
    assert "grep -q CHANGE-ME .imr/requirements.txt" in step["run"]
    gl = (template / ".gitlab-ci.yml").read_text()
    assert "pip install -r .imr/requirements.txt" in gl and "$IMR_IMAGE" in gl
    for text in (yaml.safe_dump(gh), gl):
        assert not re.search(r"pip install\s+\"?imr-site", text)


# --- one clear line when something on the machine is missing ----------------------------------


def test_a_pdf_engine_that_will_not_load_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    assert main(["new", "--no-git", str(tmp_path / "c")]) == 0
    capsys.readouterr()
    monkeypatch.setitem(sys.modules, "typst", None)  # as if the wheel's library would not load
    assert main(["build", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("imr build: The PDF") and "'typst'" in last
    assert "scripts/setup.sh" in last and "container" in last
    assert "Traceback" not in err


def test_pdf_subject_has_no_trailing_comma_when_the_agency_is_blank(tmp_path, capsys):
    from imr_site.publish.pdf.document import print_document
    from imr_site.review.registry import load_case

    assert main(["new", "--no-git", str(tmp_path / "c")]) == 0
    case = load_case(tmp_path / "c")
    assert not case.config.agency
    doc = print_document(case, {}, {}, status="DRAFT", version="v")
    assert doc.subject == "Individual Management Review for CHANGE-ME"
    case.config.agency = "Northbridge NHS Trust"
    doc = print_document(case, {}, {}, status="DRAFT", version="v")
    assert doc.subject == "Individual Management Review for CHANGE-ME, Northbridge NHS Trust"


# --- slow: a real install, as an administrator and as a case's CI would do it -------------------


def _venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin"


def _installed_version(bin_dir: Path) -> str:
    code = "import importlib.metadata as m; print(m.version('imr-site'))"
    out = subprocess.run([bin_dir / "python", "-c", code], capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel of this project, built as pip builds it from a fresh checkout (the files Git
    tracks, plus new ones not ignored: no __pycache__ or build/ left by the test run itself);
    (path, build output)."""
    out_dir = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out_dir), str(source)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return next(out_dir.glob("imr_site-*.whl")), done.stdout + done.stderr


@pytest.mark.slow
def test_installing_prints_no_setuptools_warnings(wheel):
    _, output = wheel
    assert not re.search(r"warning", output, re.I), output


@pytest.mark.slow
def test_new_case_ci_installs_the_same_tool_in_a_clean_environment(wheel, tmp_path):
    """The author installs the tool from their agency's index (here a wheel served on this
    machine), makes a case, and the case's CI install step, run as written in a clean virtual
    environment, installs the same version from the same place."""
    import functools
    import http.server
    import threading

    whl, _ = wheel
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(whl.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{whl.name}"
        author = _venv(tmp_path / "author")
        subprocess.run([author / "pip", "install", "-q", url], check=True)
        case = tmp_path / "case"
        made = subprocess.run(
            [author / "imr", "new", str(case)], capture_output=True, text=True, cwd=tmp_path
        )
        assert made.returncode == 0, made.stderr
        assert "needs filling in" not in made.stderr
        requirement = (case / REQUIREMENTS).read_text().splitlines()[-1]
        assert requirement == f"imr-site @ {url}"

        ci = _venv(tmp_path / "ci")
        gh = yaml.safe_load((case / ".github/workflows/imr.yml").read_text())
        steps = gh["jobs"]["check-and-build"]["steps"]
        script = next(s["run"] for s in steps if s.get("name") == "Install the IMR tool")
        env = {"PATH": f"{ci}:/usr/bin:/bin", "HOME": str(tmp_path)}
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=case, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert _installed_version(ci) == _installed_version(author)
        check = subprocess.run(
            [ci / "imr", "check", "--format", "json", "."],
            cwd=case,
            env=env,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 1 and json.loads(check.stdout)["findings"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_properdocs_builds_the_example_unchanged(tmp_path, built_example):
    """ProperDocs (the maintained MkDocs 1.x fork) installed in a scratch environment that sees
    this project's packages, building a copy of the example with its own command."""
    import site
    import sysconfig

    from tests.conftest import copy_example

    scratch = _venv(tmp_path / "scratch")
    purelib = subprocess.run(
        [scratch / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    assert ours in site.getsitepackages() or Path(ours).is_dir()
    Path(purelib, "imr-project.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    subprocess.run([scratch / "pip", "install", "-q", "properdocs"], check=True)
    case = copy_example(tmp_path / "example")
    done = subprocess.run(
        [scratch / "properdocs", "build", "-f", "mkdocs.yml", "-d", str(tmp_path / "site")],
        cwd=case,
        capture_output=True,
        text=True,
        env={"PATH": f"{scratch}:/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stderr
    built = sorted(p.name for p in (tmp_path / "site").glob("*.html"))
    assert built == sorted(p.name for p in built_example.site_dir.glob("*.html"))
    assert (tmp_path / "site" / built_example.pdf.name).stat().st_size > 100_000


# --- the built site searches from disk ----------------------------------------------------------


@pytest.mark.browser
def test_imr_build_site_searches_when_opened_from_disk(tmp_path, capsys):
    """The README says to open site/index.html: opened from disk (file://), its search works
    and nothing is fetched from outside, as in the offline bundle."""
    from tests.test_bundle import browse_from_disk

    case = tmp_path / "c"
    assert main(["new", "--no-git", str(case)]) == 0
    assert main(["build", str(case), "--no-pdf"]) == 1  # a new case has findings
    capsys.readouterr()
    site = case / "site"
    assert not (site / f"{case.name}.zip").exists()
    requests, href, text = browse_from_disk(site, "03-chronology.html", "timescale")
    assert href.split("#")[0].endswith("08-action-plan.html")  # the one page with the word
    assert "timescale" in text.lower()
    assert any(u.endswith("/03-chronology.html") for u in requests)


def test_every_folder_of_the_package_is_declared():
    """A folder of code or data that pyproject.toml does not list is missing from a real (not
    editable) install, and setuptools warns about it: a new part must be listed when it is made."""
    import tomllib

    declared = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {
        ".".join(d.relative_to(REPO).parts)
        for d in (REPO / "imr_site").rglob("*")
        if d.is_dir()
        and "__pycache__" not in d.parts
        and "-" not in d.name  # not a Python name: its files go in with the parent's data
        and any(f.is_file() for f in d.iterdir())
    }
    assert folders - declared == set()
