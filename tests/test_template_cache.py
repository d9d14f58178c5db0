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
