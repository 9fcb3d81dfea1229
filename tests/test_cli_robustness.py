"""The command line under abuse: closed pipes, unreachable clusters, huge sizes, kills."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mdplab._parallel import SchedulerUnreachable, ensure_reachable
from mdplab.claims import Claim, Evidence
from mdplab.cli import main
from mdplab.cli._common import parse_value

ROOT = Path(__file__).resolve().parents[1]
MY_CLAIMS = str(Path(__file__).resolve().parent / "plugin_fixtures" / "my_claims.py")


def _mdplab(*args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "mdplab", *args]


def test_list_into_a_closed_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m mdplab list | head -1", shell=True,
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.stdout.startswith("Instances")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


def test_check_into_a_closed_pipe_still_writes_its_reports(tmp_path):
    cmd = (f"{sys.executable} -m mdplab check --module {MY_CLAIMS} --only-modules "
           f"--no-progress --out {tmp_path} | head -c 10 > /dev/null")
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (tmp_path / "claims-quick.json").is_file() and (tmp_path / "claims-quick.md").is_file()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_unreachable_scheduler_fails_fast_and_leaves_nothing(tmp_path, capsys):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    t0 = time.perf_counter()
    assert main(["check", "--module", MY_CLAIMS, "--only-modules", "--scheduler", address,
                 "--out", str(tmp_path / "reports")]) == 2
    assert time.perf_counter() - t0 < 10
    err = capsys.readouterr().err
    assert address in err and "--dask-local" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()
    with pytest.raises(SchedulerUnreachable, match="no Dask scheduler answers"):
        ensure_reachable(address, timeout=1)
    with pytest.raises(ValueError, match="needs a host and a port"):
        ensure_reachable("tcp://127.0.0.1")
    with pytest.raises(TypeError, match="scheduler is 5"):
        ensure_reachable(5)  # type: ignore[arg-type]


def test_huge_sizes_are_a_clear_error_not_a_traceback():
    proc = subprocess.run(_mdplab("solve", "riverswim", "--param", "H=10**15"),
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "H" in proc.stderr, proc.stderr


def test_param_values_allow_arithmetic_but_nothing_else():
    assert parse_value("10**3") == 1000 and parse_value("1/4") == 0.25
    assert parse_value("-3") == -3 and parse_value("(1, 2)") == (1, 2)
    assert parse_value("__import__('os')") == "__import__('os')"  # a plain string
    assert parse_value("2**100000") == "2**100000"  # no giant integers


def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return {int(x) for x in out.split()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_a_parallel_check_kills_its_workers(tmp_path, sig):
    slow = tmp_path / "slow_claims.py"
    slow.write_text(
        "import time\nfrom mdplab.claims import Claim\n"
        "def _check(budget, rng, impl):\n    time.sleep(60)\n"
        "    return {'statistic': 0.0, 'bound': 1.0, 'passed': True}\n"
        "CLAIMS = [Claim(f'slow.c{i}', 'slow', 's', 'src', _check, {}) for i in range(4)]\n")
    proc = subprocess.Popen(_mdplab("check", "--module", str(slow), "--only-modules",
                                    "--jobs", "2", "--no-progress", "--out", str(tmp_path)),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.time() + 120
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.5)
        workers = {c for c in _children(proc.pid)
                   if "loky" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
                   and "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_text(
                       errors="replace")} if _alive(proc.pid) else workers
    assert len(workers) >= 2, "the pool never started"
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.25)
    assert not any(_alive(w) for w in workers), "worker processes outlived the run"


def _ev(bound: float, trivial: float | None, relation: str = "<=") -> Evidence:
    return Evidence("x.y", "quick", True, 0.1, bound, relation, trivial_bound=trivial)


def test_vacuous_flag_and_compact_repr():
    assert _ev(5.0, 5.0).vacuous and _ev(7.0, 5.0).vacuous
    assert not _ev(4.9, 5.0).vacuous and not _ev(5.0, None).vacuous
    assert not _ev(5.0, 1.0, relation=">=").vacuous  # a lower bound is never vacuous so
    assert "vacuous" in repr(_ev(7.0, 5.0)) and len(repr(_ev(7.0, 5.0))) < 200

    class Bound(float):
        trivial = 2.0

    claim = Claim("x.z", "x", "s", "src", lambda b, r, i: {
        "statistic": 0.0, "bound": Bound(3.0), "passed": True}, {})
    ev = claim.run()
    assert ev.trivial_bound == 2.0 and ev.vacuous


def test_report_shows_how_often_a_theorem_bound_was_vacuous(tmp_path):
    from mdplab.claims import table_rows, write_reports

    claim = Claim("x.w", "x", "s", "src", lambda b, r, i: {
        "statistic": 0.0, "bound": 1.0, "passed": True,
        "details": {"vacuous_fraction": 0.25}}, {})
    ev = claim.run()
    (row,) = table_rows([claim], [ev])
    assert "vacuous in 25% of runs" in row["bound"]
    md, _ = write_reports([claim], [ev], tmp_path)
    assert "vacuous in 25% of runs" in md.read_text()
