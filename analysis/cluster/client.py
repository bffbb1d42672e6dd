"""Where the cluster is and how work gets there: the client of $ANALYSIS_SCHEDULER, pandas data made into dask
DataFrames, results computed, and the output types dask needs (`_meta`) learnt from a made-up article row.
"""
from __future__ import annotations

from ..dispatch import is_dask, scheduler_address

_CLIENTS: dict[str, object] = {}


def default_client():
    """The client of the scheduler named by $ANALYSIS_SCHEDULER (`build --scheduler`), or None."""
    address = scheduler_address()
    if not address:
        return None
    client = _CLIENTS.get(address)
    if client is None or getattr(client, "status", "") in ("closed", "closing"):
        from distributed import Client

        client = _CLIENTS[address] = Client(address)
    return client


def _client(client):
    return client if client is not None else default_client()


def _dd():
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the extra is installed by make test
        raise ImportError("the cluster path needs Dask: pip install -e '.[cluster]'") from exc
    # text columns keep pandas' own string dtype, so cluster results equal the pandas path's exactly
    dask.config.set({"dataframe.convert-string": False})
    return dd


def _to_dask(data, client):
    """`data` as a dask DataFrame (a pandas frame is split into one partition per worker thread)."""
    if is_dask(data):
        return data
    dd = _dd()
    n = max(1, sum(_client(client).nthreads().values())) if _client(client) is not None else 2
    return dd.from_pandas(data.reset_index(drop=True), npartitions=max(1, min(n * 2, len(data))))


def _compute(obj, client):
    client = _client(client)
    return client.compute(obj).result() if client is not None else obj.compute()


def _compute_many(objs, client):
    client = _client(client)
    if client is not None:
        return client.gather(client.compute(objs))
    import dask

    return list(dask.compute(*objs))


# A made-up article row (real prose shapes: a heading, a paragraph naming a place, an amount) on which the
# row-wise functions produce a row, so dask learns their output dtypes without computing a partition.
_SAMPLE = {"doc_id": "sample", "para_no": 1, "section": "", "title": "北京市政协捐赠物资", "province": "北京市",
           "city": "", "unit_no": 1, "place": "东城区", "level": "county", "county": "东城区", "code": "110101",
           "text": "抗击疫情\n东城区政协委员向社区捐赠口罩1万只、资金10万元，支持疫情防控工作。"}


def _meta(func, data, *args, **kwargs):
    """The empty result of `func` with the dtypes it gives on data (what dask needs as `meta`): `func` on
    dask's made-up non-empty partition, else on the empty one."""
    try:
        sample = data._meta_nonempty.head(1).copy()
        for col, value in _SAMPLE.items():
            if col in sample.columns:
                sample[col] = value
        out = func(sample, *args, **kwargs)
        if len(out):
            return out.iloc[:0]
    except Exception:  # noqa: BLE001 - made-up values a rule rejects; the empty partition still works
        pass
    return func(data._meta, *args, **kwargs)

