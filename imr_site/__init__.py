"""The IMR toolchain's core library: one package per part of the report over a shared base.

    case/        the shared base: a case on disk, sections, the template spec, findings, YAML
    sections/    the authored sections against the spec; the details table
    chronology/  actions/  people/  signoff/     the other parts: model, rules, rendering, files
    review/      the registry of every part (load_case, run_checks), finding formats, schemas,
                 the Review status page
    publish/     the build, the site's blocks, the PDF, editions, bundle, FINAL gate, manifest
    cli/         the `imr` command (parsing and printing only)

Imports point one way: cli (and the MkDocs plugin, imr_mkdocs) -> publish -> review -> the
parts -> case. tests/test_layout.py keeps it so.
"""
