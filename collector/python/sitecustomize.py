"""Loaded at interpreter start-up because `perfadvise run --torch-ops` puts this directory first
on PYTHONPATH. It switches on PyTorch's own NVTX op ranges (torch.autograd.profiler.emit_nvtx)
as soon as the program imports torch, without touching the program, so that the collector can
attribute every kernel to the aten op that launched it.

- Nothing happens before `import torch`: non-PyTorch programs and start-up time are unaffected.
- emit_nvtx() calls torch.cuda.synchronize() on entry, which would initialize CUDA at import
  time (and break programs that fork workers before using CUDA); that call is skipped.
- The ranges are per thread (torch's RecordFunction callbacks are thread-local): the thread
  that imports torch and the autograd threads it starts are covered.
- Any failure prints one line and leaves the program alone.
- A sitecustomize further down sys.path (a virtualenv's, a distribution's) still runs.
"""
import importlib.abc
import importlib.util
import os
import sys

_MODE = os.environ.get("PERFADVISE_TORCH_OPS", "")
_HERE = os.path.dirname(os.path.abspath(__file__))
_context = None  # the entered emit_nvtx, kept alive for the life of the process


def _say(message):
    sys.stderr.write(f"perfadvise: --torch-ops: {message}\n")


def _enable_op_ranges(torch):
    global _context
    try:
        context = torch.autograd.profiler.emit_nvtx(record_shapes=_MODE == "shapes")
        synchronize = torch.cuda.synchronize
        torch.cuda.synchronize = lambda *args, **kwargs: None
        try:
            context.__enter__()
        finally:
            torch.cuda.synchronize = synchronize
        _context = context
    except Exception as error:  # an unknown torch version: run untouched
        _say(f"cannot switch on PyTorch's op ranges ({type(error).__name__}: {error})")


class _AfterTorchImport(importlib.abc.MetaPathFinder):
    """Finds torch through the other finders, then runs _enable_op_ranges once it has loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_enable(module):
            exec_module(module)
            _enable_op_ranges(module)

        spec.loader.exec_module = exec_then_enable
        return spec


def _chain_next_sitecustomize():
    for entry in sys.path:
        if not entry or os.path.abspath(entry) == _HERE:
            continue
        candidate = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_perfadvise_next_sitecustomize",
                                                          candidate)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as error:
                _say(f"{candidate} failed ({type(error).__name__}: {error})")
            return


if _MODE in ("names", "shapes"):
    if "torch" in sys.modules:
        _enable_op_ranges(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, _AfterTorchImport())
_chain_next_sitecustomize()
