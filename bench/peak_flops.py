"""The core's peak f32 FLOP/s from what /proc/cpuinfo says about it, for bench/compare.

peak = threads x clock x FMA units x f32 lanes per FMA x 2 (an FMA is two FLOPs).
The FMA units and their width come from the microarchitecture, which the flags alone do
not tell: AMD Zen 2-4 (family 0x17 from model 0x30, 0x19) have two 256-bit FMA pipes and
run an AVX-512 FMA over both (32 FLOP/cycle), Zen 1 two 128-bit ones (16), Zen 5 (0x1a)
two 512-bit ones (64); Intel cores with AVX2 and FMA have two 256-bit units (32), and with
AVX-512 are assumed to have two 512-bit units (64; some Xeon SKUs have one, so this is
an upper bound there). Anything else reports no peak rather than a guess.
"""
import re
import subprocess


def cpuinfo():
    """{"model", "vendor", "family", "cpu_model", "flags", "mhz"} of the first core."""
    with open("/proc/cpuinfo") as f:
        text = f.read().split("\n\n")[0]
    field = lambda k: (re.search(rf"^{k}\s*:\s*(.*)$", text, re.M) or [None, ""])[1].strip()
    return {"model": field("model name"), "vendor": field("vendor_id"), "family": int(field("cpu family") or 0),
            "cpu_model": int(field("model") or 0), "flags": field("flags").split(),
            "mhz": float(field("cpu MHz") or 0)}


def lscpu_max_mhz():
    r = subprocess.run(["lscpu"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"^CPU max MHz:\s*([\d.]+)", r.stdout, re.M)
    return float(m.group(1)) if m else None


def flops_per_cycle(info):
    """(f32 FLOPs per cycle per core, the assumption behind it) or (None, why not)."""
    flags, fam, model = set(info["flags"]), info["family"], info["cpu_model"]
    if "fma" not in flags or "avx2" not in flags:
        return None, "no AVX2 + FMA: peak not derived"
    if info["vendor"] == "AuthenticAMD":
        if fam == 0x17:
            return (16, "Zen 1: 2 FMA units x 128 bits") if model < 0x30 else (32, "Zen 2: 2 FMA units x 256 bits")
        if fam == 0x19:
            return 32, "Zen 3/4: 2 FMA units x 256 bits (AVX-512 runs over both)"
        if fam == 0x1A:
            return 64, "Zen 5: 2 FMA units x 512 bits"
        return None, f"AMD family {fam:#x}: FMA units unknown"
    if info["vendor"] == "GenuineIntel":
        if "avx512f" in flags:
            return 64, "Intel AVX-512: 2 FMA units x 512 bits assumed (1 on some SKUs)"
        return 32, "Intel AVX2: 2 FMA units x 256 bits"
    return None, f"vendor {info['vendor']}: FMA units unknown"


def peak(threads, clock_ghz):
    """{"gflops", "flops_per_cycle", "assumption", "clock_ghz" (measured), "peak_clock_ghz",
    "cpuinfo_mhz", "max_mhz", ...}."""
    info = cpuinfo()
    per_cycle, why = flops_per_cycle(info)
    out = {"cpu": info["model"], "family": info["family"], "cpu_model": info["cpu_model"],
           "flags": sorted(f for f in info["flags"] if f in ("avx2", "fma", "avx512f", "avx512_bf16")),
           "cpuinfo_mhz": info["mhz"], "max_mhz": lscpu_max_mhz(), "clock_ghz": clock_ghz,
           "flops_per_cycle": per_cycle, "assumption": why, "threads": threads}
    # A preempted clock measurement reads low on a loaded machine; the limit takes the
    # higher of it and the clock the kernel reports, so it never understates the peak.
    out["peak_clock_ghz"] = max(clock_ghz, info["mhz"] / 1000)
    out["gflops"] = threads * out["peak_clock_ghz"] * per_cycle if per_cycle else None
    return out
