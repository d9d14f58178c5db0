"""imr serve keeps the theme's compiled templates between rebuilds (issue 16), and an edited
template is compiled again."""

from __future__ import annotations

import jinja2

from imr_site.publish.template_cache import MemoryBytecodeCache


class CountingEnvironment(jinja2.Environment):
    compiled = 0

    def compile(self, *args, **kwargs):
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


def _render(cache, source: str) -> str:
    env = CountingEnvironment(loader=jinja2.DictLoader({"page.html": source}))
    env.bytecode_cache = cache  # as the plugin's on_env sets it on each rebuild's fresh env
    return env.get_template("page.html").render(name="AB")


def test_a_fresh_environment_reuses_the_compiled_template_and_recompiles_an_edited_one():
    cache = MemoryBytecodeCache()
    CountingEnvironment.compiled = 0
    assert _render(cache, "Hello {{ name }}") == "Hello AB"
    assert _render(cache, "Hello {{ name }}") == "Hello AB"
    assert CountingEnvironment.compiled == 1
    assert _render(cache, "Goodbye {{ name }}") == "Goodbye AB"
    assert CountingEnvironment.compiled == 2


def test_the_plugin_gives_the_theme_environment_the_cache():
    from mkdocs.config import load_config

    from imr_site.publish.template_cache import THEME_TEMPLATES
    from tests.conftest import REPO

    cfg = load_config(config_file=str(REPO / "mkdocs.yml"))
    env = cfg.plugins["imr"].on_env(cfg.theme.get_env(), config=cfg, files=None)
    assert env.bytecode_cache is THEME_TEMPLATES


def test_compiled_templates_are_kept_on_disk_for_the_next_process(tmp_path):
    from imr_site.publish.template_cache import CompiledTemplates

    folder = tmp_path / "templates"
    CountingEnvironment.compiled = 0
    assert _render(CompiledTemplates(folder), "Hello {{ name }}") == "Hello AB"
    assert CountingEnvironment.compiled == 1 and len(list(folder.glob("*.jinja"))) == 1
    # another process: a fresh cache reads the file and compiles nothing
    assert _render(CompiledTemplates(folder), "Hello {{ name }}") == "Hello AB"
    assert CountingEnvironment.compiled == 1
    # an edited template is compiled again, and a damaged file is compiled again and rewritten
    assert _render(CompiledTemplates(folder), "Goodbye {{ name }}") == "Goodbye AB"
    assert CountingEnvironment.compiled == 2
    (cached,) = folder.glob("*.jinja")
    cached.write_bytes(cached.read_bytes()[:40])
    assert _render(CompiledTemplates(folder), "Goodbye {{ name }}") == "Goodbye AB"
    assert CountingEnvironment.compiled == 3
    assert _render(CompiledTemplates(folder), "Goodbye {{ name }}") == "Goodbye AB"
    assert CountingEnvironment.compiled == 3


def test_a_cache_folder_that_cannot_be_written_keeps_templates_in_memory(tmp_path):
    from imr_site.publish.template_cache import CompiledTemplates

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    cache = CompiledTemplates(blocked / "templates")
    CountingEnvironment.compiled = 0
    assert _render(cache, "Hello {{ name }}") == "Hello AB"
    assert _render(cache, "Hello {{ name }}") == "Hello AB"
    assert CountingEnvironment.compiled == 1 and cache.folder is None


def test_the_cache_folder_follows_the_users_cache_setting(monkeypatch, tmp_path):
    from imr_site.publish.template_cache import cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("IMR_NO_TEMPLATE_CACHE", raising=False)
    assert cache_folder() == tmp_path / "imr-site" / "templates"
    monkeypatch.setenv("IMR_NO_TEMPLATE_CACHE", "1")
    assert cache_folder() is None


def test_the_reports_own_templates_use_the_same_cache():
    from imr_site.chronology.render import TEMPLATES
    from imr_site.publish.template_cache import THEME_TEMPLATES

    TEMPLATES.get("chronology.html")
    assert TEMPLATES.environment.bytecode_cache is THEME_TEMPLATES
