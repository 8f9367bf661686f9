"""Entity resolution: normalization, blocking, scoring, clustering and judgements.

Built so far: normalization of names, dates and identifiers (``names``, ``dates``,
``identifiers``), the comparison keys every later step uses.
"""
