"""A site that works when opened straight from disk (file://), fetching nothing from outside.

Material's ``offline`` plugin does most of it: it turns off directory URLs and inlines the search
index into a script. For search it also adds the iframe-worker shim as a polyfill, linked from
unpkg.com. We serve the copy shipped in imr_site/publish/assets/vendor/ from inside the site instead:
Material adds its CDN link only when no polyfill already mentions "iframe-worker", and if it ran
first we swap its link for ours, so the order of the two plugins does not matter.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugins
from mkdocs.structure.files import File

from imr_site.publish.bundle import material_fetches_repository_facts
from imr_site.publish.site import ASSETS

log = logging.getLogger("mkdocs.plugins.imr")

OFFLINE_PLUGIN = "material/offline"
VENDOR = ASSETS / "vendor"
SHIM = "iframe-worker/shim.js"


def is_offline(config: MkDocsConfig) -> bool:
    """True when Material's offline plugin is in the config and enabled."""
    return any(
        _is_offline_plugin(name) and plugin.config.get("enabled", True)
        for name, plugin in config.plugins.items()
    )


def _is_offline_plugin(name: str) -> bool:
    return name.split(" #")[0] in (OFFLINE_PLUGIN, "offline")


def use_local_shim(config: MkDocsConfig, asset_prefix: str) -> None:
    """Point the iframe-worker polyfill at the copy inside the site (call from on_config)."""
    polyfills = [p for p in config.extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, f"{asset_prefix}vendor/{SHIM}"]


def vendor_files(config: MkDocsConfig, asset_prefix: str) -> list[File]:
    """The vendored files and their licences (not the READMEs: MkDocs would make pages of
    them) to copy into an offline site."""
    return [
        File.generated(
            config,
            asset_prefix + "vendor/" + path.relative_to(VENDOR).as_posix(),
            abs_src_path=str(path),
        )
        for path in sorted(VENDOR.rglob("*"))
        if path.is_file() and path.suffix != ".md"
    ]


def search_from_disk(config: MkDocsConfig) -> None:
    """Turn on Material's offline plugin (search index inlined, the iframe-worker shim from inside
    the site), so that search works in a site opened from disk as well as from a web server.
    Page URLs become ``page.html`` (use_directory_urls off), as the template already has them."""
    config.use_directory_urls = False
    for name, plugin in config.plugins.items():
        if _is_offline_plugin(name):
            plugin.config["enabled"] = True
            return
    plugin = get_plugins()[OFFLINE_PLUGIN].load()()
    errors, warnings = plugin.load_config({"enabled": True})
    if errors:  # pragma: no cover - the option set is fixed
        raise RuntimeError(f"Material's offline plugin refused its config: {errors}")
    config.plugins[OFFLINE_PLUGIN] = plugin


def make_offline(config: MkDocsConfig) -> None:
    """Turn a loaded config (not yet built) into one for a site opened from disk.

    Changes only the config object in memory, never the author's mkdocs.yml.
    """
    search_from_disk(config)
    if config.repo_url and material_fetches_repository_facts(config.repo_url):
        # Material asks the GitHub/GitLab API for stars and forks of such a repository every
        # time a page opens: a request to the internet that a copy on disk must not make.
        log.info(f"Offline bundle: the repository link ({config.repo_url}) is left out.")
        config.repo_url = None
        config.repo_name = None
        config.edit_uri = None
