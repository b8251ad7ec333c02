# How a contract launcher ends with the test that started it: on its parent's death (even kill -9) and when stdin closes.
import ctypes
import os
import signal
import sys


def die_with_parent():
    # Linux only: the kernel sends SIGKILL to us when the process that spawned us ends, even on its kill -9.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        os._exit(1)


def exit_on_stdin_eof(thread_class):
    """Exits when stdin closes (the test's teardown). thread_class must be a real OS thread class: under eventlet, pass
    patcher.original('threading').Thread, since a blocking read in a green thread would stall eventlet's hub."""
    def watch():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            os._exit(0)
    thread_class(target=watch, daemon=True).start()
