"""The whole built site of the scratch project, byte for byte, against tests/expected/scratch-site/.

A safety net for refactoring the pipeline: any change to any output file fails
here with a diff. If the change is deliberate, run
`.venv/bin/python tests/regenerate_expected.py` and commit tests/expected/.
"""

import pytest
from scratch_site import EXPECTED, build_scratch_site, site_files, tree_differences


def test_the_built_site_matches_the_expected_tree(tmp_path):
    built = site_files(build_scratch_site(tmp_path / "project"))
    differences = tree_differences(site_files(EXPECTED), built)
    if differences:
        pytest.fail(
            "the built site differs from tests/expected/scratch-site/; if the change is deliberate, run "
            "`.venv/bin/python tests/regenerate_expected.py` and commit tests/expected/\n" + differences,
            pytrace=False,
        )
