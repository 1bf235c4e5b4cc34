"""Why two records were (or were not) matched, as one readable line per scored pair.

Each comparison contributes ``<name>: <level> (<match weight>)``, e.g.
``name: Jaro-Winkler ≥ 0.95 (+11.4); domain: exact (+13.1); phone: missing (+0.0)``.
A positive weight is evidence for a match, a negative one against; the weights plus the
prior add up to the pair's match weight. Built in SQL from Splink's ``gamma_<name>``
(level) and ``mw_<name>`` (weight) columns.

>>> from revhub.resolve.models import PERSON_MODEL
>>> print(level_label_sql(PERSON_MODEL.comparisons[3]))
CASE gamma_phone WHEN -1 THEN 'missing' WHEN 1 THEN 'exact' WHEN 0 THEN 'different' END
"""

from __future__ import annotations

from revhub.resolve.models import Comparison, Model


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def level_label_sql(comparison: Comparison) -> str:
    """SQL turning the comparison's level number (Splink's gamma) into its label.

    Splink numbers the null level -1 and the others from the most similar (highest)
    down to 0 for the last.
    """
    levels = comparison.levels
    whens = ["WHEN -1 THEN 'missing'"] + [
        f"WHEN {len(levels) - 1 - index} THEN {_quote(level.label)}"
        for index, level in enumerate(levels)
    ]
    return f"CASE gamma_{comparison.name} {' '.join(whens)} END"


def explanation_sql(model: Model) -> str:
    """SQL of the explanation text of a scored pair of ``model``.

    >>> from revhub.resolve.models import ACCOUNT_MODEL
    >>> explanation_sql(ACCOUNT_MODEL).startswith("concat_ws('; ', 'name: ' || CASE gamma_name")
    True
    """
    parts = [
        f"'{c.name}: ' || {level_label_sql(c)} || ' (' || printf('%+.1f', mw_{c.name}) || ')'"
        for c in model.comparisons
    ]
    return "concat_ws('; ', " + ", ".join(parts) + ")"
