import subprocess
import sys
from pathlib import Path

FACTBOT = Path(sys.executable).with_name("factbot")


def test_bench_takes_its_own_options_from_any_folder(tmp_path):
    out = subprocess.run(
        [str(FACTBOT), "bench", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "--sizes" in out.stdout and "--quick" in out.stdout


def test_a_failed_build_is_one_line_and_a_non_zero_exit(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = subprocess.run(
        [str(FACTBOT), "build", "--sources", str(empty), "--db", str(tmp_path / "f.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("build failed:") and "Traceback" not in out.stderr
    assert not (tmp_path / "f.db").exists()
