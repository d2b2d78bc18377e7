"""CFIR as the synthesis lens: the CFIR 2.0 view of a project's coded evidence (domains →
constructs → codes → excerpts, through each codebook's ``cfir`` crosswalk or direct cfir2
codings), barrier/facilitator direction of excerpts, construct ratings per case, and the
construct × case matrix.

    from thematic.cfir import build_view, rate, suggest, build_matrix

Names are imported lazily so that importing the package stays cheap.
"""

from __future__ import annotations

from thematic.plugins import lazy

_EXPORTS = {
    "load_framework": ("thematic.cfir.framework", "load"),
    "build_view": ("thematic.cfir.view", "build"),
    "read_valence": ("thematic.cfir.valence", "read"),
    "apply_valence_rule": ("thematic.cfir.valence", "apply_rule"),
    "set_direction": ("thematic.cfir.valence", "set_direction"),
    "rate": ("thematic.cfir.ratings", "rate"),
    "suggest": ("thematic.cfir.ratings", "suggest"),
    "suggest_rating": ("thematic.cfir.ratings", "suggest_rating"),
    "build_matrix": ("thematic.cfir.matrix", "build"),
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy(__name__, _EXPORTS)
