"""The worker drops symbolic links from nbgrader's output folder before nbgrader (root) writes
or chmods there (socketlab.grading.workers.drop_links): where no bubblewrap keeps the kernel
out of that folder, a link it planted must not carry those writes elsewhere."""

import os

from socketlab.grading.workers import drop_links


def test_links_go_and_what_they_point_at_stays(tmp_path):
    outside = tmp_path / "gradebook.db"
    outside.write_text("grades")
    outside.chmod(0o600)
    folder = tmp_path / "autograded" / "mallory" / "a"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.ipynb").symlink_to(outside)
    (folder / "sub" / "notes.txt").symlink_to(outside)
    (folder / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    (folder / "picture.svg").write_text("<svg/>")
    assert sorted(p.name for p in drop_links(folder)) == ["a.ipynb", "linked-dir", "notes.txt"]
    assert sorted(os.listdir(folder)) == ["picture.svg", "sub"] and os.listdir(folder / "sub") == []
    assert outside.read_text() == "grades" and outside.stat().st_mode & 0o777 == 0o600
