"""derive/ is pure SymPy: importing it must not load NumPy, CuPy or matplotlib."""

import subprocess
import sys


def test_derive_imports_no_numeric_library():
    code = (
        "import sys; from statmech import derive; derive.model_names();"
        "derive.derivations(derive.get_model('two-level'));"
        "bad = [m for m in ('numpy', 'cupy', 'matplotlib', 'scipy') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
