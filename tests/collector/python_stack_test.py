"""Tests for collector/python_stack: GIL-free capture of the calling thread's Python stack.

Usage: python3 python_stack_test.py <path to python_stack_test_helper.so>

The helper is loaded with ctypes.CDLL, which releases the GIL around every foreign call just like
PyTorch does around CUDA calls. The expected frames come from walking sys._getframe() on the same
source line as the capture, plus marker comments ("# @name") for lines that must match exactly.
Exit codes: 0 pass, 1 failure, 77 skip (unsupported interpreter).
"""
import asyncio
import ctypes
import importlib.util
import os
import sys
import tempfile
import threading
import time

SUPPORTED = ((3, 11), (3, 12), (3, 13))
BUF_SIZE = 1 << 16
# process_vm_readv costs microseconds per read, so the checked mode runs a shorter stress.
CHECKED = os.environ.get("PERFADVISE_PYSTACK_SAFE_READS") == "1"
STRESS_CAPTURES, FRESH_CODE_CAPTURES = (2_000, 500) if CHECKED else (100_000, 20_000)


def load_helper(path):
    lib = ctypes.CDLL(path)
    lib.pa_capture.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.pa_capture.restype = ctypes.c_int
    lib.pa_capture_user_frame.argtypes = [ctypes.c_char_p, ctypes.c_int]
    lib.pa_capture_user_frame.restype = ctypes.c_int
    lib.pa_find_user_frame.argtypes = [ctypes.c_char_p]
    lib.pa_find_user_frame.restype = ctypes.c_int
    lib.pa_capture_in_native_thread.restype = ctypes.c_int
    lib.pa_bench_ns.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.pa_bench_ns.restype = ctypes.c_double
    lib.pa_line_for_offset.argtypes = [ctypes.c_char_p, ctypes.c_longlong, ctypes.c_int,
                                       ctypes.c_longlong]
    lib.pa_line_for_offset.restype = ctypes.c_int
    lib.pa_description.restype = ctypes.c_char_p
    return lib


LIB = None


def parse(raw):
    frames = []
    for line in raw.decode("utf-8", "surrogateescape").splitlines():
        file, function, lineno = line.split("\t")
        frames.append((file, function, int(lineno)))
    return frames


def capture(max_depth=64):
    """Frames seen by the C++ capture; frame 0 is this function itself."""
    buf = ctypes.create_string_buffer(BUF_SIZE)
    n = LIB.pa_capture(buf, BUF_SIZE, max_depth)
    if n < 0:
        raise AssertionError(f"capture_python_stack failed ({n})")
    frames = parse(buf.value)
    assert len(frames) == n, (n, frames)
    return frames


def oracle():
    """What CPython itself says about the caller's stack, innermost first."""
    out = []
    f = sys._getframe(1)
    while f is not None:
        out.append((f.f_code.co_filename, f.f_code.co_qualname, f.f_lineno))
        f = f.f_back
    return out


def marker_lines():
    lines = {}
    with open(__file__, encoding="utf-8") as src:
        for number, text in enumerate(src, start=1):
            if "# @" in text:
                lines[text.split("# @")[1].strip()] = number
    return lines


MARK = {}
FAILURES = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        print("     " + str(detail)[:3000])
        FAILURES.append(name)


def check_matches_oracle(name, got, want):
    check(name + ": innermost frame is the capture wrapper",
          got and got[0][1] == "capture" and got[0][0] == __file__, got[:1])
    check(name + ": frames equal sys._getframe()", got[1:] == want,
          "\n got: %s\nwant: %s" % (got[1:], want))


# --- nested functions, methods, closures -------------------------------------------------------

def leaf():
    return capture(), oracle()  # @leaf


def middle():
    return leaf()  # @middle


def outer():
    return middle()  # @outer


class Model:
    def forward(self):
        return capture(), oracle()  # @forward

    def __call__(self):
        return self.forward()  # @call


def make_closure():
    def inner():
        return capture(), oracle()  # @inner
    return inner


def test_nested():
    got, want = outer()
    check_matches_oracle("nested", got, want)
    me = __file__
    check("nested: exact leaf/middle/outer",
          got[1:4] == [(me, "leaf", MARK["leaf"]), (me, "middle", MARK["middle"]),
                       (me, "outer", MARK["outer"])], got[1:4])


def test_method_and_closure():
    got, want = Model()()
    check_matches_oracle("method", got, want)
    check("method: qualname Model.forward",
          got[1] == (__file__, "Model.forward", MARK["forward"]) and
          got[2] == (__file__, "Model.__call__", MARK["call"]), got[1:3])
    got, want = make_closure()()
    check_matches_oracle("closure", got, want)
    check("closure: qualname make_closure.<locals>.inner",
          got[1] == (__file__, "make_closure.<locals>.inner", MARK["inner"]), got[1:2])


def test_max_depth():
    got = capture(max_depth=2)
    check("max_depth=2 gives 2 frames", len(got) == 2 and got[1][1] == "test_max_depth", got)


# --- threads, generators, coroutines -----------------------------------------------------------

def test_thread():
    result = {}

    def body():
        result["frames"] = outer()

    t = threading.Thread(target=body)
    t.start()
    t.join()
    got, want = result["frames"]
    check_matches_oracle("thread", got, want)
    check("thread: bottom frames are threading.py",
          got[-1][0] == threading.__file__ and got[-1][1] == "Thread._bootstrap", got[-3:])


def gen():
    yield capture(), oracle()  # @gen


def gen_outer():
    yield from gen()  # @gen_outer


async def coro_leaf():
    await asyncio.sleep(0)
    return capture(), oracle()  # @coro_leaf


async def coro_main():
    return await coro_leaf()  # @coro_main


def test_generator_and_coroutine():
    got, want = next(gen_outer())
    check_matches_oracle("generator", got, want)
    check("generator: gen then gen_outer",
          got[1:3] == [(__file__, "gen", MARK["gen"]), (__file__, "gen_outer", MARK["gen_outer"])],
          got[1:3])
    got, want = asyncio.run(coro_main())
    check_matches_oracle("coroutine", got, want)
    check("coroutine: coro_leaf then coro_main",
          got[1:3] == [(__file__, "coro_leaf", MARK["coro_leaf"]),
                       (__file__, "coro_main", MARK["coro_main"])], got[1:3])


def test_native_thread():
    check("thread without Python state captures nothing", LIB.pa_capture_in_native_thread() == 0)


# --- strings ------------------------------------------------------------------------------------

def load_module(path, source):
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unicode(tmp):
    cases = [("módulo_ü.py", "grüße"), ("模块.py", "函数"), ("emoji_😀.py", "f_😀_x")]
    for filename, function in cases:
        if not function.isidentifier():
            function = "plain"
        path = os.path.join(tmp, filename)
        module = load_module(path, f"def {function}(cap):\n    return cap()\n")
        got = getattr(module, function)(capture)
        check(f"unicode: {filename} / {function}", got[1] == (path, function, 2), got[1:2])
    name = "bad_\udcff_name.py"  # an undecodable byte in a path, as os.fsdecode() gives it
    namespace = {}
    exec(compile("def f(cap):\n    return cap()\n", name, "exec"), namespace)
    got = namespace["f"](capture)
    check("unicode: surrogate-escaped file name", got[1] == (name, "f", 2), got[1:2])


# --- find_user_frame ----------------------------------------------------------------------------

def test_find_user_frame_rules():
    cases = [
        (["/usr/lib/python3.12/threading.py", "/home/u/proj/train.py"], 1),
        (["/v/lib/python3.12/site-packages/torch/nn/modules/module.py", "/home/u/train.py"], 1),
        (["/usr/lib/python3/dist-packages/numpy/core.py", "<frozen runpy>",
          "/root/.pyenv/versions/3.12.1/lib/python3.12/runpy.py"], -1),
        (["/home/u/pytorch/torch/_tensor.py", "/home/u/m.py"], 1),
        (["/usr/lib64/python3.11/json/decoder.py", "/home/u/python3.12/a.py"], 1),
        (["<eval_with_key>.3", "<string>"], 1),
        (["/home/u/torchvision_user/train.py"], 0),
        ([], -1),
    ]
    for files, expected in cases:
        got = LIB.pa_find_user_frame("\n".join(files).encode())
        check(f"find_user_frame {files} -> {expected}", got == expected, got)


def user_code(enter_library, *args):
    return enter_library(*args)  # @user_code


def test_find_user_frame_live(tmp):
    torch_dir = os.path.join(tmp, "venv", "lib", "python3.99", "site-packages", "torch")
    stdlib_dir = os.path.join(tmp, "prefix", "lib", "python3.99")
    os.makedirs(torch_dir)
    os.makedirs(stdlib_dir)
    fake_torch = load_module(os.path.join(torch_dir, "fakeops.py"),
                             "def nonzero(fn, buf, size):\n    return fn(buf, size)\n")
    fake_std = load_module(os.path.join(stdlib_dir, "fakestd.py"),
                           "def call(fn, *args):\n    return fn(*args)\n")
    frozen = {}
    exec(compile("def boot(fn, *args):\n    return fn(*args)\n", "<frozen fakeboot>", "exec"),
         frozen)
    buf = ctypes.create_string_buffer(BUF_SIZE)
    # user_code -> <frozen> boot -> lib/python3.99/fakestd.call -> site-packages/torch nonzero -> C
    index = user_code(frozen["boot"], fake_std.call, fake_torch.nonzero,
                      LIB.pa_capture_user_frame, buf, BUF_SIZE)
    frames = parse(buf.value)
    check("find_user_frame skips torch, stdlib-like and frozen frames",
          index == 3 and frames[3] == (__file__, "user_code", MARK["user_code"]),
          (index, frames[:5]))
    check("  ...whose frames were nonzero, call, boot",
          [f[1] for f in frames[:3]] == ["nonzero", "call", "boot"], frames[:3])


# --- the line table decoder ---------------------------------------------------------------------

def all_code(code):
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            yield from all_code(const)


def test_line_table():
    import json.decoder, asyncio.base_events, email.message
    mismatches, checked = [], 0
    for module in (sys.modules[__name__], threading, json.decoder, asyncio.base_events,
                   email.message):
        with open(module.__file__, encoding="utf-8") as f:
            top = compile(f.read(), module.__file__, "exec")
        for code in all_code(top):
            table = code.co_linetable
            for start, end, line in code.co_lines():
                for offset in range(start, end, 2):
                    got = LIB.pa_line_for_offset(table, len(table), code.co_firstlineno, offset)
                    checked += 1
                    if got != (line if line is not None else -1):
                        mismatches.append((code.co_qualname, offset, line, got))
            first = LIB.pa_line_for_offset(table, len(table), code.co_firstlineno, -1)
            if first != code.co_firstlineno:
                mismatches.append((code.co_qualname, -1, code.co_firstlineno, first))
    check(f"line table decoder agrees with co_lines() at {checked} offsets", not mismatches,
          mismatches[:10])


# --- cost and safety ----------------------------------------------------------------------------

def recurse(depth, fn):
    if depth == 0:
        return fn()
    return recurse(depth - 1, fn)


def test_benchmark():
    depth_of_here = len(oracle())
    extra = max(0, 25 - depth_of_here - 1)
    got = recurse(extra, capture)
    ns = recurse(extra, lambda: LIB.pa_bench_ns(200 if CHECKED else 20000, 64))
    check("benchmark captures succeed", ns > 0 and len(got) >= 25, (ns, len(got)))
    reads = "process_vm_readv" if CHECKED else "direct"
    print(f"BENCH CPython {sys.version.split()[0]}, reads {reads}: {len(got) - 1} frames, "
          f"{ns:.0f} ns per capture")


def churn(stop, errors, index):
    """Runs Python code (calls, generators, fresh code objects) and captures now and then."""
    n = 0
    try:
        while not stop.is_set():
            n += 1
            sum(x * x for x in range(50))
            recurse(10, lambda: None)
            if n % 50 == 0:
                ns = {}
                exec(f"def churn_{index}_{n}():\n    return {n}\n", ns)
                ns[f"churn_{index}_{n}"]()
            if n % 200 == 0:
                got = capture()
                if got[1][1] != "churn":
                    errors.append(got[:3])
    except Exception as e:  # reported by the main thread
        errors.append(repr(e))


def stress_target(i):
    return capture()  # @stress


def test_stress():
    sys.setswitchinterval(1e-5)
    stop, errors = threading.Event(), []
    threads = [threading.Thread(target=churn, args=(stop, errors, i)) for i in range(4)]
    for t in threads:
        t.start()
    bad, start = [], time.monotonic()
    try:
        for i in range(STRESS_CAPTURES):
            got = stress_target(i)
            if got[1] != (__file__, "stress_target", MARK["stress"]) or got[2][1] != "test_stress":
                bad.append(got[:3])
        # Fresh code objects at recycled addresses: the cache must never answer with an old name.
        for i in range(FRESH_CODE_CAPTURES):
            ns = {}
            exec(f"def fresh_{i}(cap):\n" + "\n" * (i % 3) + "    return cap()\n", ns)
            got = ns[f"fresh_{i}"](capture)
            if got[1] != ("<string>", f"fresh_{i}", 2 + i % 3):
                bad.append(got[1])
    finally:
        stop.set()
        for t in threads:
            t.join()
    elapsed = time.monotonic() - start
    check(f"stress: {STRESS_CAPTURES} captures + {FRESH_CODE_CAPTURES} fresh-code captures beside "
          f"4 busy threads ({elapsed:.1f} s)",
          not bad and not errors, (bad[:5], errors[:5]))


def main():
    global LIB, MARK
    if sys.version_info[:2] not in SUPPORTED:
        print(f"SKIP: CPython {sys.version.split()[0]} is not supported by python_stack "
              f"(supported: 3.11, 3.12, 3.13)")
        return 77
    LIB = load_helper(sys.argv[1])
    MARK = marker_lines()
    print("python_stack:", LIB.pa_description().decode())
    test_nested()
    test_method_and_closure()
    test_max_depth()
    test_thread()
    test_generator_and_coroutine()
    test_native_thread()
    with tempfile.TemporaryDirectory() as tmp:
        test_unicode(tmp)
        test_find_user_frame_live(tmp)
    test_find_user_frame_rules()
    test_line_table()
    test_benchmark()
    test_stress()
    if FAILURES:
        print(f"{len(FAILURES)} FAILED: {FAILURES}")
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
