"""requirements.txt alone, what Netlify installs, builds the site: a clean virtual environment, hashes
checked, no test tool in it, at most 150 MB beside Pagefind's binary.

The size is the environment as pip leaves it without bytecode (`--no-compile`); Python writes the
bytecode of what a build imports as it runs (148 MB measured; plotly, a test tool, would add
70 MB). Pagefind's extended binary, which indexes the search and segments Chinese, is one 57 MB
executable inside its wheel; it is counted on its own, and so are the fonts the PNG images are set in:
pylopdf-fonts-zh-cn (Noto Sans SC, and Noto Serif SC beside it, 20 MB) and fontpkg-noto-sans (Noto Sans,
the Latin font of English images, upright and italic, 4.2 MB), hence 22 MB + 5 MB. Seen to fail with the
site importing plotly at build time (ModuleNotFoundError).
"""

import os
import shutil
import subprocess
import sys

from pipeline.paths import ROOT

SIZE_LIMIT_MB = 150
SEARCH_BINARY_LIMIT_MB = 60
FONT_LIMIT_MB = 27  # 22 for Noto Sans SC's package, 5 for Noto Sans's
FONT_PACKAGES = ("pylopdf_fonts_zh_cn", "fontpkg_noto_sans")
TEST_TOOLS = ("pytest", "plotly", "playwright", "hypothesis", "frictionless", "jsonschema")


def disk_usage_mb(folder) -> float:
    """What the folder takes on disk, as `du` counts it (blocks, not file lengths)."""
    blocks = sum(os.lstat(os.path.join(top, name)).st_blocks for top, _, names in os.walk(folder) for name in names)
    return blocks * 512 / 2**20


def test_a_clean_environment_with_only_requirements_txt_builds_the_site(tmp_path):
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--require-hashes",
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr
    search_binary = next(venv.glob("lib/python*/site-packages/pagefind_bin_extended"))
    binary_size = disk_usage_mb(search_binary)
    assert binary_size <= SEARCH_BINARY_LIMIT_MB, f"Pagefind: {binary_size:.0f} MB"
    font_size = sum(disk_usage_mb(next(venv.glob(f"lib/python*/site-packages/{p}"))) for p in FONT_PACKAGES)
    assert font_size <= FONT_LIMIT_MB, f"the fonts: {font_size:.0f} MB"
    size = disk_usage_mb(venv) - binary_size - font_size
    assert size <= SIZE_LIMIT_MB, f"{size:.0f} MB beside Pagefind"
    for tool in TEST_TOOLS:
        found = subprocess.run(
            [str(python), "-c", f"import importlib.util as u; print(u.find_spec('{tool}'))"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert found.stdout.strip() == "None", f"{tool} is installed by requirements.txt"

    project = tmp_path / "project"
    for folder in ("data", "content", "templates", "assets"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copy(ROOT / "netlify.toml", project / "netlify.toml")
    for command in ("check", "build"):
        run = subprocess.run(
            [str(python), str(ROOT / "build.py"), "--project", str(project), command],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    assert (project / "site" / "index.html").is_file() and (project / "site" / "en" / "embed").is_dir()
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
