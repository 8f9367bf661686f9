"""Shared by the contract tests: the names of every dependency a route goes through."""

from __future__ import annotations

from fastapi.routing import APIRoute


def dependency_names(route: APIRoute) -> set[str]:
    names: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        names.add(getattr(dep.call, "__name__", ""))
        stack.extend(dep.dependencies)
    return names
