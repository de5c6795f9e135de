#!/usr/bin/env python3
"""bench/gpu.sh's report: one JSON object from the files it collected in WORK.

    python3 bench/gpu_results.py WORK CTEST_EXIT BENCH_EXIT

WORK holds devices.txt (`cadenza devices`), vulkaninfo.txt (`vulkaninfo --summary`, may be
empty), junit.xml (`ctest -L vulkan --output-junit`), ctest.log, bench.txt and bench.err
(bench_vulkan's table and errors).
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET


def read(work, name):
    path = os.path.join(work, name)
    return open(path).read() if os.path.exists(path) else ""


def bench_rows(text):
    """bench_vulkan's table: {"device", "columns", "rows": [{"case", "<column>": {"ms", "gflops"}}]}."""
    lines = text.splitlines()
    head = next((i for i, line in enumerate(lines) if line.startswith("case")), None)
    device = re.match(r"device: ([^;]*);", lines[0]) if lines else None
    if head is None:
        return {"device": None, "columns": [], "rows": []}
    columns = re.split(r"\s{2,}", lines[head][4:].strip())  # names hold single spaces ("vk auto")
    rows = []
    for line in lines[head + 1:]:
        name, rest = line[:50].strip(), line[50:]
        cells = re.findall(r"([\d.]+) \(\s*([\d.]+|inf|nan)\)|(?<!\S)-(?!\S)", rest)
        row = {"case": name}
        for col, (ms, gflops) in zip(columns, cells):
            row[col] = {"ms": float(ms), "gflops": float(gflops)} if ms else None
        rows.append(row)
    return {"device": device.group(1) if device else None, "columns": columns, "rows": rows}


def test_counts(junit, log):
    """{"passed", "failed", "skipped", "total", "failed_names"} from CTest's JUnit file."""
    counts = {"passed": 0, "failed": 0, "skipped": 0, "total": 0, "failed_names": []}
    if not junit.strip():
        counts["error"] = log.strip()[-500:]
        return counts
    for case in ET.fromstring(junit).iter("testcase"):
        counts["total"] += 1
        status = case.get("status", "")
        if case.find("skipped") is not None or status in ("notrun", "disabled"):
            counts["skipped"] += 1
        elif case.find("failure") is not None or case.find("error") is not None or status == "fail":
            counts["failed"] += 1
            counts["failed_names"].append(case.get("name"))
        else:
            counts["passed"] += 1
    return counts


def device_facts(devices, vulkaninfo, name):
    """The `cadenza devices` line of the device the benchmark ran on, and its driver."""
    out = {"name": name}
    for line in devices.splitlines():
        if name and name in line:
            out["devices_line"] = line.strip()
            m = re.search(r"subgroup (\d+)", line)
            out["subgroup_size"] = int(m.group(1)) if m else None
    # vulkaninfo --summary lists every device ("GPU0:", "GPU1:", ...): read the one named.
    blocks = re.split(r"^GPU\d+:\s*$", vulkaninfo, flags=re.M)[1:]
    block = next((b for b in blocks if name and re.search(rf"deviceName\s*=\s*{re.escape(name)}\s*$", b, re.M)), "")
    for key in ("driverName", "driverInfo", "driverID", "conformanceVersion", "apiVersion"):
        m = re.search(rf"^\s*{key}\s*=\s*(.*)$", block, re.M)
        if m:
            out[key] = m.group(1).strip()
    return out


def main():
    work, ctest_rc, bench_rc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    bench = bench_rows(read(work, "bench.txt"))
    result = {
        "device": device_facts(read(work, "devices.txt"), read(work, "vulkaninfo.txt"), bench["device"]),
        "devices": read(work, "devices.txt").strip().splitlines(),
        "tests": dict(test_counts(read(work, "junit.xml"), read(work, "ctest.log")), exit_code=ctest_rc),
        "bench_vulkan": dict(bench, exit_code=bench_rc, error=read(work, "bench.err").strip() or None),
        "environment": {k: os.environ[k] for k in ("CADENZA_VULKAN_DEVICE", "CADENZA_THREADS") if k in os.environ},
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
