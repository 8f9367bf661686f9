"""Prioritization under a published policy: the lawful fact schema, policies of cited CEL
rules, hard stops that block enforcement and open a review instead, and assessments that carry
the evidence behind every rule they cite."""
