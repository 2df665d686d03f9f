"""``designer render``: a picture of a design without a display, and clear errors for bad arguments."""

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QColor, QImage

from designer.cli import main
from designer.core.project_file import save_project
from designer.core.templates import load_template
from designer.ui import theme


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "lenet.json"
    save_project(load_template("lenet-digits"), path)
    return path


@pytest.fixture(autouse=True)
def light_theme_after():
    yield
    theme.use(theme.LIGHT)


def test_png_at_scale_and_in_the_dark_theme(project_file, tmp_path, capsys):
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    assert main(["render", str(project_file), "-o", str(light), "--scale", "1"]) == 0
    assert "13 blocks drawn" in capsys.readouterr().out
    assert main(["render", str(project_file), "-o", str(dark), "--scale", "3", "--theme", "dark"]) == 0
    small, big = QImage(str(light)), QImage(str(dark))
    assert big.width() == pytest.approx(3 * small.width(), abs=3)
    assert small.pixelColor(0, 0) == QColor(theme.SCHEMES["light"].paper)
    assert big.pixelColor(0, 0) == QColor(theme.SCHEMES["dark"].paper)


def test_svg_and_transparent(project_file, tmp_path):
    svg, png = tmp_path / "lenet.svg", tmp_path / "clear.png"
    assert main(["render", str(project_file), "-o", str(svg)]) == 0
    assert "<svg" in svg.read_text() and ">conv1<" in svg.read_text().replace("\n", "")
    assert main(["render", str(project_file), "-o", str(png), "--transparent"]) == 0
    assert QImage(str(png)).pixelColor(0, 0).alpha() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/out.pdf"], "must end in .png or .svg"),
        (["-o", "{tmp}/no/such/folder/out.png"], "does not exist"),
        (["-o", "{tmp}/out.png", "--scale", "9"], "--scale must be from 0.25 to 4, not 9"),
    ],
)
def test_bad_outputs_are_refused(project_file, tmp_path, capsys, args, message):
    argv = ["render", str(project_file), *(a.format(tmp=tmp_path) for a in args)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_an_unreadable_file_is_reported(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "designer-project", "version": 1, "design": {"blocks": 3}}')
    assert main(["render", str(broken), "-o", str(tmp_path / "out.png")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "broken.json" in err and "design.blocks" in err
    assert not (tmp_path / "out.png").exists()


def test_it_works_without_a_display(project_file, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "headless.png"
    result = subprocess.run(
        [sys.executable, "-m", "designer", "render", str(project_file), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not QImage(str(out)).isNull()
