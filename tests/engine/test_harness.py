"""The harness's "get Odoo when missing" path (tools/env.sh), on small local git repositories."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _fake_odoo(path, version="19, 0"):
    """A git repository shaped like Odoo's: odoo-bin and odoo/release.py on branch 19.0."""
    (path / "odoo").mkdir(parents=True)
    (path / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (path / "odoo-bin").chmod(0o755)
    (path / "odoo" / "release.py").write_text(f"version_info = ({version}, 'final', 0, '')\n")
    _git(path, "init", "-q", "-b", "19.0")
    _git(path, "add", ".")
    _git(path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "odoo")
    return path


def _ensure_odoo(tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("ODOO_SRC", "ODOO_REPO", "ODOO_REF")
    }
    environment.update(ODOO_CACHE=str(tmp_path / "cache" / "odoo"), HOME=str(tmp_path), **env)
    return subprocess.run(
        ["bash", "-c", f"source {ROOT}/tools/env.sh; ensure_odoo"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture
def origin(tmp_path):
    return _fake_odoo(tmp_path / "origin")


def test_missing_tree_is_cloned_from_odoo_repo_and_reused(tmp_path, origin):
    first = _ensure_odoo(tmp_path, ODOO_REPO=str(origin))
    tree = pathlib.Path(first.stdout.strip())
    assert tree == tmp_path / "cache" / "odoo"
    assert (tree / "odoo-bin").exists()
    assert "downloading branch 19.0" in first.stderr
    # A shallow clone: one commit, whatever the origin's history.
    log = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=tree, capture_output=True)
    assert log.stdout.strip() == b"1"
    second = _ensure_odoo(tmp_path, ODOO_REPO=str(origin))
    assert second.stdout.strip() == str(tree)
    assert "downloading" not in second.stderr


def test_another_origin_replaces_the_cached_tree(tmp_path, origin):
    _ensure_odoo(tmp_path, ODOO_REPO=str(origin))
    other = _fake_odoo(tmp_path / "mirror")
    again = _ensure_odoo(tmp_path, ODOO_REPO=str(other))
    assert "downloading branch 19.0 from file://" + str(other) in again.stderr
    assert again.stdout.strip() == str(tmp_path / "cache" / "odoo")


def test_failed_download_names_both_ways_out(tmp_path):
    result = _ensure_odoo(tmp_path, ODOO_REPO=str(tmp_path / "nowhere"))
    assert result.stdout.strip() == ""
    assert "ODOO_SRC=" in result.stderr and "ODOO_REPO=" in result.stderr
    assert not (tmp_path / "cache" / "odoo").exists()


def test_a_tree_of_another_version_is_refused(tmp_path):
    old = _fake_odoo(tmp_path / "odoo18", version="18, 0")
    result = _ensure_odoo(tmp_path, ODOO_SRC=str(old))
    assert result.stdout.strip() == ""
    assert "is not an Odoo 19.0 source tree" in result.stderr
    fetched = _ensure_odoo(tmp_path, ODOO_REPO=str(old))
    assert fetched.stdout.strip() == ""
