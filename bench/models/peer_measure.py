"""Timing and memory of one workload in a Python peer process (torch_workloads.py).

Memory is reported as growth above the process's own baseline, because a Python process
that imports torch already holds a few hundred MB that no workload asks for:
  baseline  VmRSS from /proc/self/status once the model is built (after import and
            construction, before the first timed or warm-up rep);
  peak      VmHWM after the reps. Writing "5" to /proc/self/clear_refs resets VmHWM to
            the current VmRSS, so the peak read afterwards is the workload's alone. Where
            the kernel refuses the reset, a thread samples VmRSS every millisecond and the
            peak is the largest sample (which can miss a spike shorter than that).
  net       peak - baseline.
bench_compare_workload measures its side the same way (bench/models/process_memory.h).
"""
import re
import statistics
import threading
import time


def _status_kb(field):
    with open("/proc/self/status") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def _reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class PeakMemory:
    """Peak resident memory from the moment of construction (see the module's docstring)."""

    def __init__(self):
        self.baseline_kb = _status_kb("VmRSS")
        self.method = "VmHWM reset through clear_refs" if _reset_hwm() else "VmRSS sampled every 1 ms"
        self._sampled_kb = self.baseline_kb
        self._stop = threading.Event()
        self._thread = None
        if self.method.startswith("VmRSS"):
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()

    def _sample(self):
        while not self._stop.wait(0.001):
            self._sampled_kb = max(self._sampled_kb, _status_kb("VmRSS"))

    def report(self):
        """{"baseline_rss_mb", "peak_rss_mb", "net_peak_mb", "memory_method"}."""
        if self._thread:
            self._stop.set()
            self._thread.join()
            peak = max(self._sampled_kb, _status_kb("VmRSS"))
        else:
            peak = _status_kb("VmHWM")
        return {"baseline_rss_mb": self.baseline_kb / 1024, "peak_rss_mb": peak / 1024,
                "net_peak_mb": (peak - self.baseline_kb) / 1024, "memory_method": self.method}


def time_reps(warmup, reps, rep):
    """(median seconds of `reps` timed calls of `rep` after `warmup` untimed ones, memory
    report of all of them). Call it once the model is built: that is the baseline."""
    memory = PeakMemory()
    for _ in range(warmup):
        rep()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        rep()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), memory.report()
