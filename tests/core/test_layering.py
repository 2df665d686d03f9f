import subprocess
import sys


def test_core_imports_no_torch_onnx_or_qt():
    code = (
        "import sys, designer, designer.core.layout, designer.cli\n"
        "heavy = [m for m in ('torch', 'onnx', 'onnxruntime', 'PySide6', 'pyqtgraph') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
