"""Help pages that read like the README: ``--org ORG``, ``--rows N``, flags without a type.

Typer labels every option with its Python type (``<str>``, ``<int>``, ``<bool>``, even on
``--help``). Options given a ``metavar`` keep it; other value options are labelled with
their own name (``--org ORG``); flags get no label, since they take no value.
"""

from __future__ import annotations

from typing import Any

import typer.core


class _Argument(typer.core.TyperArgument):
    """An argument shown as ``PATH...`` in the usage line, without a type label."""

    def _usage_display_name(self) -> str:
        return self.display_name_raw.upper() + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return self._usage_display_name()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _label(params: list[Any]) -> list[Any]:
    for param in params:
        if type(param) is typer.core.TyperArgument:
            param.__class__ = _Argument
        if not isinstance(param, typer.core.TyperOption) or param.metavar is not None:
            continue
        if param.is_flag:
            param.metavar = ""
        elif "|" not in str(param.display_type_rich(None)):  # type: ignore[arg-type]
            param.metavar = param.opts[-1].lstrip("-").upper()
    return params


class Command(typer.core.TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _label(super().get_params(ctx))


class Group(typer.core.TyperGroup):
    """A command group whose commands all label their options this way, however they
    were added (``app.command(name)`` needs no ``cls``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _label(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if type(command) is typer.core.TyperCommand:
            command.__class__ = Command
        return command
