"""The README's Python example prints what the README says."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_readme_python_example_output():
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "readme_example.py")],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["tower_0/Relu:0 tower_1/Relu:0", "['dense/w:0']", "[[3. 0.]]"]
