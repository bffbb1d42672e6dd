"""Where a public function goes when it is handed a dask collection or a client.

The core functions (`load_corpus`, `paragraphs`, `term_frequencies`, `code_paragraphs`, `theme_counts`, ...)
promise that they take a dask DataFrame or `client=` as well as pandas. They do not import the Dask layer
for it: this module holds a registry of implementations by name, which the Dask layer (`analysis.cluster`)
fills with `@register("name")` when it is imported, and `call` imports that layer by name only when a dask
object, a client or $ANALYSIS_SCHEDULER arrives (the model is `dask.utils.Dispatch.register_lazy`). So the
layers point one way: the cluster layer imports the core, never the reverse.

    if wanted(data, client=client):
        return call("term_frequencies", data, by, client=client)
"""
from __future__ import annotations

import importlib
import os
from functools import partial
from typing import Callable

__all__ = ["SCHEDULER_ENV", "is_dask", "scheduler_address", "wanted", "register", "call", "implementation",
           "dask_layer"]

SCHEDULER_ENV = "ANALYSIS_SCHEDULER"
LAZY_MODULE = "analysis.cluster"  # imported on the first call that needs the cluster

_IMPLEMENTATIONS: dict[str, Callable] = {}


def is_dask(obj) -> bool:
    """A dask collection (DataFrame, Series), recognised without importing dask."""
    return (type(obj).__module__ or "").split(".")[0] in ("dask", "dask_expr")


def scheduler_address() -> str:
    """$ANALYSIS_SCHEDULER, except inside a Dask task (where the pandas functions must stay local)."""
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if address:
        try:
            from distributed import get_worker

            get_worker()
            return ""
        except (ImportError, ValueError):
            pass
    return address


def wanted(*data, client=None) -> bool:
    """Run on the cluster? A dask argument, a client, or $ANALYSIS_SCHEDULER (`build --scheduler`)."""
    return client is not None or any(is_dask(d) for d in data) or bool(scheduler_address())


def register(name: str):
    """Decorator of the Dask layer: `func` is the implementation of the public function `name`."""

    def deco(func: Callable) -> Callable:
        _IMPLEMENTATIONS[name] = func
        return func

    return deco


def implementation(name: str) -> Callable:
    """The registered implementation of `name`, importing the Dask layer the first time one is needed."""
    if name not in _IMPLEMENTATIONS:
        importlib.import_module(LAZY_MODULE)
    try:
        return _IMPLEMENTATIONS[name]
    except KeyError:
        raise NotImplementedError(f"{name} has no implementation for dask data or a client "
                                  f"(none registered by {LAZY_MODULE})") from None


def call(name: str, *args, **kwargs):
    """Run the Dask layer's implementation of `name`."""
    return implementation(name)(*args, **kwargs)


class _DaskLayer:
    """The Dask layer as a module that calls it by attribute sees it: `dask_layer.NAME(...)` is
    `call("NAME", ...)`, and `is_dask`, `wanted` are the tests above. For modules written against the old
    `analysis.cluster` module (places, amounts: `_cluster.place_units(corpus, paras)`); new code calls
    `call` directly."""

    is_dask = staticmethod(is_dask)
    wanted = staticmethod(wanted)

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("__"):
            raise AttributeError(name)
        return partial(call, name)


dask_layer = _DaskLayer()
