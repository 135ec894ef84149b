"""Background exports of apps above this one: an app registers a renderer for a job kind
in its ``AppConfig.ready()``, so the worker runs it without exports importing that app.

A renderer is ``render(job, progress) -> (content, extension)``; it sets ``job``'s total
through ``progress.total(n)`` and reports each item done with ``progress(done)``."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Renderer:
    label: str  # what the file is, in its name (e.g. 全部绩效自评)
    render: Callable


RENDERERS: dict[str, Renderer] = {}


def register(kind: str, label: str, render: Callable) -> None:
    RENDERERS[kind] = Renderer(label=label, render=render)
