"""Narrative synthesis reports: Markdown (or HTML) from layered, sandboxed Jinja2 templates.

``render(store, out, *, template=None, themes=None, fmt="md", title=None) -> Path`` writes
the report and its figures (in a folder named after it). The data templates see is built by
``context.build`` and documented in CONTEXT.md. Nothing heavy is imported here: Jinja2 and
matplotlib load when a report is rendered.
"""

from __future__ import annotations

import importlib as _importlib

# ``thematic.report.render`` is both the module (environment, filters) and, as an attribute
# of this package, the function below. Importing a submodule sets the package attribute of
# the same name, so the module is imported first and the function defined after it: later
# imports of the module find it in sys.modules and leave the function in place.
_module = _importlib.import_module("thematic.report.render")

__all__ = ["build_context", "build_report", "render"]


def render(store, out, *, template=None, themes=None, fmt="md", title=None,
           agreement_coders=None, evidence_coders=None):
    """Render the report to ``out``; returns its Path (see thematic.report.render.render)."""
    return _module.render(store, out, template=template, themes=themes, fmt=fmt, title=title,
                          agreement_coders=agreement_coders, evidence_coders=evidence_coders)


def build_report(store, out, **options):
    """``render`` returning the figures written and the sections left out, too."""
    return _module.build_report(store, out, **options)


def build_context(store, **options) -> dict:
    """The documented template context (plain data) for ``store``."""
    from thematic.report.context import build

    return build(store, **options).context
