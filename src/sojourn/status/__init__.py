"""Lifecycle status: where a person stands, as of any date, under cited and versioned rules.

Built so far: the rule book (``rulebook``), the rules as data in ``rules/*.yaml``.
"""
