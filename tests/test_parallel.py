"""analysis.parallel: the build's background processes and the memory settings it gives its processes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analysis.paths import PROJECT_ROOT

PROBE = """
import json, os
import numpy as np, pyarrow as pa
from analysis.parallel import small_pages
env = small_pages()
multiarray = getattr(np, "_core", None) or np.core
print(json.dumps({"env": env, "pool": pa.default_memory_pool().backend_name,
                  "advice": multiarray.multiarray._get_madvise_hugepage(),
                  "inherited": {k: os.environ.get(k)
                                for k in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}}))
"""


def _probe(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**base, **env, "PYTHONPATH": str(PROJECT_ROOT)},
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_small_pages_switches_this_process_and_its_children_off_huge_pages():
    """With the libraries' defaults (pyarrow's mimalloc pool, numpy's huge-page advice on), small_pages() moves
    this process to jemalloc (pyarrow's Linux wheels carry it) and numpy's advice off, and puts both in the
    environment the kernels inherit."""
    got = _probe()
    assert got["pool"] == "jemalloc" and got["advice"] is False
    assert got["env"] == got["inherited"] == {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "NUMPY_MADVISE_HUGEPAGE": "0"}


def test_small_pages_keeps_what_the_caller_set():
    """A pool or advice the caller chose in the environment is left alone (and not reported as set)."""
    got = _probe(ARROW_DEFAULT_MEMORY_POOL="system", NUMPY_MADVISE_HUGEPAGE="1")
    assert got["pool"] == "system" and got["advice"] is True and got["env"] == {}
    assert got["inherited"] == {"ARROW_DEFAULT_MEMORY_POOL": "system", "NUMPY_MADVISE_HUGEPAGE": "1"}


def _write_niceness(path):
    with open(path, "w") as f:
        f.write(str(os.nice(0)))


def _write_autogroup(path):
    with open(path, "w") as f:
        f.write(open("/proc/self/autogroup").read())


def test_background_process_runs_at_the_niceness_asked(tmp_path):
    """The build's explorer yields the cores: its process runs `nice` steps above the caller's niceness, and where
    Linux schedules by session groups (autogroup: each kernel has a session of its own) in a group of its own at
    that niceness (in the caller's group it took half a core from the notebooks at nice 19); run here
    (parallel=False) the caller's niceness is not changed."""
    from analysis.parallel import Background

    base = os.nice(0)
    job = Background(_write_niceness, (tmp_path / "child",), "probe", nice=7)
    job.result()
    assert int((tmp_path / "child").read_text()) == min(base + 7, 19)
    if os.path.exists("/proc/self/autogroup"):  # Linux with autogroup: the process's own group, at that niceness
        Background(_write_autogroup, (tmp_path / "group",), "probe", nice=7).result()
        group, here = (tmp_path / "group").read_text().split(), open("/proc/self/autogroup").read().split()
        if here:  # (the file is empty where a cgroup, not autogroup, schedules: containers, CI)
            assert group and group[0] != here[0] and group[-2:] == ["nice", "7"]
    Background(_write_niceness, (tmp_path / "here",), "probe", parallel=False, nice=7).result()
    assert int((tmp_path / "here").read_text()) == base == os.nice(0)


def _start_a_child_and_wait(path):
    import subprocess
    import time

    child = subprocess.Popen(["sleep", "120"])  # as the explorer's process starts chromedriver and Chromium
    with open(path, "w") as f:
        f.write(str(child.pid))
    time.sleep(120)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_stopping_a_background_process_also_ends_what_it_started(tmp_path):
    """A build that fails stops the explorer's process; the browser it had started (and its driver) went on
    running, orphaned, one pair per failed build. A niced background process leads a process group of its own,
    and stop ends the whole group."""
    import time

    from analysis.parallel import Background

    if not os.path.exists("/proc/self/stat") or not hasattr(os, "killpg"):
        import pytest

        pytest.skip("needs Linux /proc")
    job = Background(_start_a_child_and_wait, (tmp_path / "pid",), "probe", nice=3)
    for _ in range(100):
        if (tmp_path / "pid").exists() and (tmp_path / "pid").read_text():
            break
        time.sleep(0.05)
    child = int((tmp_path / "pid").read_text())
    assert _alive(child)
    job.stop()
    for _ in range(40):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child) and not job.process.is_alive()


def _hold_a_folder(folder, started):
    import shutil
    import time

    folder.mkdir()
    try:
        started.write_text("1")
        time.sleep(120)
    finally:  # as the explorer's process quits its browser and removes the browser's profile
        shutil.rmtree(folder)


@pytest.mark.parametrize("nice", [0, 3])
def test_a_stopped_background_process_lets_go_of_what_it_holds(tmp_path, nice):
    """A build that fails stops the explorer's process; stopped by SIGTERM's default, it skipped its `finally`
    blocks, and each failed build left a Chromium profile in the temporary directory for good. Stopped, it now
    unwinds: its clean-up runs (with its own process group, nice > 0, and without)."""
    import time

    from analysis.parallel import Background

    held, started = tmp_path / "held", tmp_path / "started"
    job = Background(_hold_a_folder, (held, started), "probe", nice=nice)
    try:
        for _ in range(200):
            if started.exists() or not job.process.is_alive():
                break
            time.sleep(0.05)
        assert held.is_dir()
    finally:
        job.stop()
    assert not job.process.is_alive() and not held.exists()


def _swallow_the_stop(started):
    import time

    started.write_text("1")
    while True:
        try:
            time.sleep(120)
        except BaseException:  # noqa: BLE001 - a job that will not stop when asked
            pass


@pytest.mark.parametrize("nice", [0, 3])
def test_a_background_process_that_will_not_stop_is_killed(tmp_path, nice):
    """Asked to stop, a process may catch the SystemExit (or sit in a long C call): stop waits `timeout` seconds,
    then kills it, instead of waiting for ever (with its own process group and without)."""
    import time

    from analysis.parallel import Background

    started = tmp_path / "started"
    job = Background(_swallow_the_stop, (started,), "probe", nice=nice)
    try:
        for _ in range(200):
            if started.exists() or not job.process.is_alive():
                break
            time.sleep(0.05)
        assert job.process.is_alive()
        t0 = time.monotonic()
        job.stop(timeout=0.5)
        took = time.monotonic() - t0
        assert not job.process.is_alive() and took < 5
    finally:
        job.process.kill()


def _start_a_child_and_die(path):
    import signal
    import subprocess

    child = subprocess.Popen(["sleep", "120"])
    with open(path, "w") as f:
        f.write(str(child.pid))
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel ends a process out of memory


def test_stopping_a_background_process_that_died_by_itself_still_ends_what_it_started(tmp_path):
    """The explorer's process killed from outside (out of memory) leaves its browser running; the build then
    stops the job, which ends what is left of its group."""
    import time

    from analysis.parallel import Background

    if not os.path.exists("/proc/self/stat") or not hasattr(os, "killpg"):
        pytest.skip("needs Linux /proc")
    job = Background(_start_a_child_and_die, (tmp_path / "pid",), "probe", nice=3)
    child = None
    try:
        job.process.join(30)
        child = int((tmp_path / "pid").read_text())
        assert job.process.exitcode == -9 and _alive(child)
        job.stop(timeout=2)
        for _ in range(40):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if child is not None and _alive(child):
            os.kill(child, 9)


def _write_background_flag(path):
    with open(path, "w") as f:
        f.write(os.environ.get("ANALYSIS_BACKGROUND", "unset"))


def test_a_niced_background_process_is_marked_so_memos_never_make_others_wait_for_it(tmp_path):
    """The explorer's niced process marks itself (memo_frame then takes no lock in it: a notebook never waits for a
    result computed at nice 19); a process at the caller's niceness, and the caller, are not marked."""
    from analysis.parallel import Background

    Background(_write_background_flag, (tmp_path / "niced",), "probe", nice=5).result()
    Background(_write_background_flag, (tmp_path / "plain",), "probe").result()
    assert (tmp_path / "niced").read_text() == "1" and (tmp_path / "plain").read_text() == "unset"
    assert "ANALYSIS_BACKGROUND" not in os.environ
