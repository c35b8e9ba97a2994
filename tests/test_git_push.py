"""Git publishing with GitPython against a real bare repository on disk."""

from __future__ import annotations

import shutil

import git
import pytest

from translators.git_push import PushError, init_remote, push
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def translation():
    return translate_file(EXAMPLE, DEMO_SITES)


def test_push_commits_one_folder_and_pushes(translation, tmp_path):
    remote = init_remote(tmp_path / "remote.git")
    first = push(translation, remote, tmp_path / "work")
    assert first.changed and first.folder == "epc-cran-mec"
    clone = git.Repo.clone_from(remote, tmp_path / "clone")
    assert clone.head.commit.hexsha == first.commit
    files = set(clone.git.ls_files().splitlines())
    assert files == {f"epc-cran-mec/{rel}" for rel in translation.files}
    message = clone.head.commit.message
    assert "epc_cran_mec.yaml" in message and translation.model.digest in message
    # Same input: no new commit.
    again = push(translation, remote, tmp_path / "work")
    assert not again.changed and again.commit == first.commit


def test_failed_push_keeps_the_local_commit_and_retry_pushes(translation, tmp_path):
    remote = init_remote(tmp_path / "remote.git")
    push(translation, remote, tmp_path / "work")
    moved = tmp_path / "moved.git"
    shutil.move(remote, moved)  # the remote is gone
    changed = translate_file(EXAMPLE, DEMO_SITES)
    changed.files["README.md"] += "\nA change.\n"
    with pytest.raises(PushError) as err:
        push(changed, remote, tmp_path / "work")
    local = git.Repo(tmp_path / "work").head.commit.hexsha
    assert err.value.commit == local and "committed locally" in str(err.value)
    shutil.move(moved, remote)  # back again: pushing the same thing again pushes the waiting commit
    retried = push(changed, remote, tmp_path / "work")
    assert retried.commit == local
    assert git.Repo(remote).head.commit.hexsha == local
