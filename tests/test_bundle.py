"""`imr build --bundle`: one zip with a site that works opened from disk (file://), and the PDF.

A small real case (and the example case at the repository root) is built in tmp_path by the real
command. The browser tests unzip the bundle, open it from disk in headless Chromium, follow the
navigation, search, and record every request the pages make: none may leave file://.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, REPO, chromium, copy_example, imr, playwright_api

from imr_site.publish.bundle import (
    LINK,
    MATERIAL_MERMAID,
    RESOURCE,
    find_external_references,
    scan_css,
    scan_html,
    scan_js,
    write_zip,
)

STEM = "TEST-001-restricted"  # the case reference "TEST/001", made safe for a file name

MKDOCS_YML = """\
site_name: "TEST/001: Individual Management Review"
repo_url: https://github.com/example-agency/imr-test-001
theme:
  name: material
  font: false
plugins:
  - search
  - imr:
      case_reference: "TEST/001"
      agency: Example Community Trust
      review_period: {{start: 2024-01-01, end: 2024-12-31}}
      pdf: {pdf}
      rules:
        disable: [SEC001, ACT015]
nav:
  - Home: index.md
  - Organisational context: context.md
  - Background: background.md
"""

PAGES = {
    "index.md": "# Test review\n\nA small case for the offline bundle.\n",
    "context.md": (
        "---\nsection: organisational_context\n---\n# Organisational context\n\n"
        "The trust runs community nursing with a visiting team called Zebrafinch.\n\n"
        "## Family/Household composition\n\nLives alone.\n"
    ),
    "background.md": "# Background\n\nMore about the service.\n",
}


def make_case(root: Path, pdf: bool = False, extra_yml: str = "") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        MKDOCS_YML.format(pdf=str(pdf).lower()) + extra_yml, encoding="utf-8"
    )
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    """A case built with --bundle (no PDF); returns the case folder."""
    case = make_case(tmp_path_factory.mktemp("bundle-case"))
    run = imr("build", str(case), "--bundle")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Offline bundle: {case / 'site' / (STEM + '.zip')}" in run.stdout
    return case


@pytest.fixture(scope="module")
def unzipped(bundled, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(bundled / "site" / f"{STEM}.zip") as zf:
        zf.extractall(dest)
    return dest / STEM


# --- the scanner ----------------------------------------------------------------------------


def test_scanner_finds_resources_the_browser_would_fetch():
    html = """<!doctype html><html><head>
<script src="https://unpkg.com/iframe-worker/shim"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="icon" href="//cdn.example.org/favicon.ico">
<link rel="canonical" href="https://intranet.example.org/imr/">
<style>@import "https://cdn.example.org/a.css";
body { background: url(https://x.org/b.png) }</style>
<script>fetch("https://api.example.org/data"); var ok = "https://bit.ly/not-fetched";</script>
</head><body>
<img src="assets/local.png" srcset="a.png 1x, https://img.example.org/b.png 2x">
<p style="background-image: url('https://img.example.org/c.png')">text</p>
<a href="https://www.gov.uk/guidance">guidance</a>
<a href="https://github.com/example/imr" class="md-source" data-md-component="source">repo</a>
<a href="context.html">local</a>
<button onclick="fetch('https://api.example.org/click')">x</button>
</body></html>"""
    found = scan_html(html, "index.html")
    resources = {(r.what, r.url) for r in found if r.kind == RESOURCE}
    links = {r.url for r in found if r.kind == LINK}
    assert ("<script src>", "https://unpkg.com/iframe-worker/shim") in resources
    assert ("<link rel=stylesheet>", "https://fonts.googleapis.com/css?family=Roboto") in resources
    assert ("<link rel=preconnect>", "https://fonts.gstatic.com") in resources
    assert ("<link rel=icon>", "//cdn.example.org/favicon.ico") in resources
    assert ("CSS @import", "https://cdn.example.org/a.css") in resources
    assert ("CSS url()", "https://x.org/b.png") in resources
    assert ("fetch()", "https://api.example.org/data") in resources
    assert ("<img srcset>", "https://img.example.org/b.png") in resources
    assert ("CSS url()", "https://img.example.org/c.png") in resources
    assert any(url == "https://github.com/example/imr" for _, url in resources)
    assert ("fetch()", "https://api.example.org/click") in resources
    assert len(resources) == 11, resources
    assert links == {"https://intranet.example.org/imr/", "https://www.gov.uk/guidance"}
    script = next(r for r in found if r.what == "<script src>")
    assert (script.file, script.line) == ("index.html", 2)
    fetch = next(r for r in found if r.what == "fetch()")
    assert fetch.line == 9


def test_scanner_reads_js_and_css_files(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "w.js").write_text(
        'var a = 1;\nimportScripts("lunr.js", "https://cdn.example.org/lunr.min.js");\n'
        'import x from "https://esm.example.org/x.js";\nconsole.warn("see https://bit.ly/2s3ChXG")\n'
        'fetch(url); new Worker("https://w.example.org/worker.js")\n',
        encoding="utf-8",
    )
    (tmp_path / "assets" / "s.css").write_text(
        'a { color: red }\n@font-face { src: url("https://fonts.example.org/f.woff2") }\n'
        ".b { background: url(../images/local.svg) }\n",
        encoding="utf-8",
    )
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://img.example.org/x.png"/></svg>',
        encoding="utf-8",
    )
    (tmp_path / "go.html").write_text(
        '<base href="https://intranet.example.org/">\n'
        '<meta http-equiv="refresh" content="0; url=https://elsewhere.example.org/">',
        encoding="utf-8",
    )
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.js").write_text(
        'var __index = {"docs": [{"text": "call fetch(\'https://example.org/q\') to ..."}]}',
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("https://not-scanned.example.org/", encoding="utf-8")
    found = find_external_references(tmp_path)
    assert [(r.file, r.line, r.what, r.url) for r in found] == [
        ("assets/s.css", 2, "CSS url()", "https://fonts.example.org/f.woff2"),
        ("assets/w.js", 2, "importScripts()", "https://cdn.example.org/lunr.min.js"),
        ("assets/w.js", 3, "import", "https://esm.example.org/x.js"),
        ("assets/w.js", 5, "Worker", "https://w.example.org/worker.js"),
        ("go.html", 1, "<base href>", "https://intranet.example.org/"),
        ("go.html", 2, '<meta http-equiv="refresh">', "https://elsewhere.example.org/"),
        ("logo.svg", 1, "<image href>", "https://img.example.org/x.png"),
    ]
    assert all(r.kind == RESOURCE for r in found)


def test_scanner_knows_material_loads_mermaid_from_a_cdn():
    page = '<p>x</p>\n<pre class="mermaid"><code>graph LR; A-->B</code></pre>'
    (found,) = scan_html(page, "timeline.html")
    assert (found.kind, found.line, found.url) == (RESOURCE, 2, MATERIAL_MERMAID)
    assert "Mermaid" in str(found)
    own_copy = '<script src="js/mermaid.min.js"></script>' + page
    assert scan_html(own_copy, "timeline.html") == []


def test_scanner_passes_local_references():
    css = "a { background: url(data:image/png;base64,AAAA) } b { x: url('/x.png') }"
    assert scan_css(css, "a.css") == []
    assert scan_js('fetch("search/search_index.json"); x.src = "./shim.js"', "a.js") == []
    html = '<script src="assets/bundle.js"></script><img src="a.png"><a href="#top">t</a>'
    assert scan_html(html, "a.html") == []


def test_output_stem_is_safe_for_a_file_name():
    from imr_site.case.model import CaseConfig

    assert CaseConfig("SAR-2025-014", edition="restricted").output_stem == "SAR-2025-014-restricted"
    assert CaseConfig("TEST/001", edition="anonymised").output_stem == "TEST-001-anonymised"
    assert CaseConfig("../../").output_stem == "IMR-restricted"


def test_write_zip_is_atomic(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    (folder / "index.html").write_text("<p>one</p>", encoding="utf-8")
    (folder / "sub" / "a.css").write_text("a{}", encoding="utf-8")
    out = tmp_path / "out" / "case.zip"
    write_zip(folder, out, "case")
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["case/index.html", "case/sub/a.css"]
    before = out.read_bytes()

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "write", broken)
    with pytest.raises(OSError):
        write_zip(folder, out, "case")
    assert out.read_bytes() == before, "a failed write must leave the previous zip as it was"
    assert sorted(p.name for p in out.parent.iterdir()) == ["case.zip"], "temporary file left"
    with pytest.raises(ValueError):
        write_zip(folder, folder / "case.zip", "case")


# --- the bundle built by `imr build --bundle` -----------------------------------------------


def test_bundle_holds_an_offline_site_with_the_local_shim(bundled, unzipped):
    site = bundled / "site"
    names = zipfile.ZipFile(site / f"{STEM}.zip").namelist()
    assert all(n.startswith(f"{STEM}/") for n in names)
    assert not any(n.endswith(".zip") for n in names)
    for page in ("index.html", "context.html", "background.html", "search/search_index.js"):
        assert (unzipped / page).is_file(), page
    shim = unzipped / "assets/imr/vendor/iframe-worker"
    assert (shim / "shim.js").is_file() and (shim / "LICENSE").is_file()
    index = (unzipped / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/imr/vendor/iframe-worker/shim.js"></script>' in index
    assert "unpkg.com" not in index
    # The repository link would make Material ask api.github.com about it on every page.
    assert "github.com/example-agency" not in index
    assert find_external_references(unzipped) == [
        r for r in find_external_references(unzipped) if r.kind == LINK
    ]
    # The ordinary site is untouched: directory URLs, no shim, the repository link kept.
    assert (site / "context" / "index.html").is_file()
    assert not (site / "assets/imr/vendor").exists()
    assert "github.com/example-agency" in (site / "index.html").read_text(encoding="utf-8")


def test_bundle_refuses_a_site_that_would_fetch_from_the_internet(tmp_path):
    case = make_case(
        tmp_path / "case", extra_yml="extra_javascript:\n  - https://cdn.example.org/tracker.js\n"
    )
    run = imr("build", str(case), "--bundle")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Bundle not written" in run.stderr
    assert "<script src> https://cdn.example.org/tracker.js" in run.stderr
    assert not (case / "site" / f"{STEM}.zip").exists()
    assert not list((case / "site").glob(f".{STEM}.zip*")), "temporary zip left behind"


def test_plain_mkdocs_build_with_offline_plugin_uses_the_local_shim(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    case = make_case(tmp_path / "case")
    yml = case / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("  - search\n", "  - search\n  - offline\n"))
    build(load_config(config_file=str(yml)))
    index = (case / "site" / "index.html").read_text(encoding="utf-8")
    assert "assets/imr/vendor/iframe-worker/shim.js" in index
    assert "unpkg.com" not in index
    assert (case / "site" / "assets/imr/vendor/iframe-worker/LICENSE").is_file()


def test_bundle_carries_the_same_pdf(tmp_path):
    case = make_case(tmp_path / "case", pdf=True)
    run = imr("build", str(case), "--bundle")
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = case / "site" / f"{STEM}.pdf"
    assert pdf.is_file()
    assert f"PDF: {pdf}\n" in run.stdout  # the site's PDF, not the bundle's temporary copy
    with zipfile.ZipFile(case / "site" / f"{STEM}.zip") as zf:
        assert zf.read(f"{STEM}/{STEM}.pdf") == pdf.read_bytes()
        index = zf.read(f"{STEM}/index.html").decode("utf-8")
    assert f'href="{STEM}.pdf"' in index


@pytest.fixture(scope="module")
def example_unzipped(tmp_path_factory) -> Path:
    """The example case at the repository root, bundled (HTML only: the PDF in the zip is
    tested on the small case) and unzipped."""
    tmp = tmp_path_factory.mktemp("example-bundle")
    case = copy_example(tmp / "example")
    check = imr("check", str(case))
    assert check.returncode == 0, check.stdout
    run = imr("build", str(case), "--bundle", "--no-pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    (zip_path,) = (case / "site").glob("*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp / "unzipped")
    (top,) = (tmp / "unzipped").iterdir()
    assert zip_path.name == f"{top.name}.zip"
    return top


def test_example_case_bundles_with_nothing_to_fetch(example_unzipped):
    top = example_unzipped
    assert (top / "index.html").is_file() and (top / "search/search_index.js").is_file()
    assert [r for r in find_external_references(top) if r.kind != LINK] == []


def test_a_new_case_keeps_built_outputs_out_of_git(tmp_path):
    from imr_site.cli import main

    target = tmp_path / "my-imr"
    assert main(["new", str(target)]) == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    zip_path = target / "site" / "ANY-restricted.zip"
    zip_path.parent.mkdir()
    zip_path.write_bytes(b"PK")
    ignored = subprocess.run(
        ["git", "-C", str(target), "check-ignore", "-q", "site/ANY-restricted.zip"], check=False
    )
    assert ignored.returncode == 0, "site/ (with the PDF and the bundle) must be git-ignored"


# --- in a browser, from disk ----------------------------------------------------------------


def browse_from_disk(site: Path, nav_href: str, word: str) -> tuple[list[str], str, str]:
    """Open site/index.html from disk in headless Chromium, follow the navigation link to
    `nav_href`, search for `word` and open the first result. Every request is recorded, and any
    not to file:// is refused. Returns (requests, the result's address, the result page's text).
    """
    sync_api = playwright_api()
    executable = chromium()
    requests: list[str] = []

    def record(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", record)
            page = context.new_page()
            page.goto((site / "index.html").as_uri())

            page.locator(f'.md-nav--primary a.md-nav__link[href="{nav_href}"]').first.click()
            page.wait_for_url(f"**/{nav_href}")
            assert page.locator("article h1").count() == 1

            search = page.locator("input.md-search__input")
            search.click()
            search.press_sequentially(word)
            result = page.locator(".md-search-result__item a").first
            result.wait_for(timeout=15_000)
            href = result.get_attribute("href")
            result.click()
            target = href.split("#")[0].rsplit("/", 1)[-1]  # results link absolute addresses
            page.wait_for_url(lambda url: url.split("#")[0].endswith("/" + target))
            text = page.locator("article").inner_text()
            from_disk = list(requests)

            # The recorder itself must see a request to the internet when there is one.
            page.set_content('<img src="https://example.org/pixel.png">')
            page.wait_for_timeout(300)
            assert "https://example.org/pixel.png" in requests
        finally:
            browser.close()
    outside = [u for u in from_disk if not u.startswith("file://")]
    assert from_disk and not outside, outside
    assert any(u.endswith("search/search_index.js") for u in from_disk)
    assert any(u.endswith("assets/imr/vendor/iframe-worker/shim.js") for u in from_disk)
    return from_disk, href, text


@pytest.mark.browser
def test_bundle_works_from_disk_with_nothing_fetched_from_outside(unzipped):
    requests, href, text = browse_from_disk(unzipped, "background.html", "zebrafinch")
    assert href.endswith("context.html")
    assert "Zebrafinch" in text
    assert any(u.endswith("/background.html") for u in requests)


@pytest.mark.browser
def test_example_bundle_works_from_disk(example_unzipped):
    from imr_site.review.registry import load_case

    case = load_case(REPO)
    analysis = case.section("analysis").src_uri.replace(".md", ".html")
    word = case.config.agency.split()[0]  # "Northbridge": on the home page and in the text
    requests, href, text = browse_from_disk(example_unzipped, analysis, word)
    assert word.lower() in text.lower()
    assert any(u.endswith(f"/{analysis}") for u in requests)
