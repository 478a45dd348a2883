#!/usr/bin/env python3
"""PyTorch reference for greenml's peer-baseline protocol (docs/bench-protocol.md).

Trains and runs the seed model ("BigModel": Linear(1000,200)-ReLU-Linear(200,100)-ReLU-Linear(100,1),
MSE, Adam lr 1e-3) on the protocol's synthetic data "splitmix-bm-v1", regenerated here in numpy and
checked against the protocol's CRC-32 fingerprints, and prints one JSON object per line on stdout
(suite "peer-baseline", impl "pytorch"). Progress goes to stderr.

Run each thread count in its own process, with PyTorch pointed at OpenBLAS (Debian's default BLAS
for python3-torch may be the slow reference one):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \\
        /usr/bin/python3 bench/pytorch/seed_mlp.py --threads 1 > bench/results/pytorch-T1.jsonl
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import zlib

# ---------------------------------------------------------------------------------------------------
# Arguments first: the thread environment must be set before numpy/torch load their BLAS / OpenMP.
# ---------------------------------------------------------------------------------------------------
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads, OMP, OpenBLAS)")
ap.add_argument("--seed", type=int, default=20240601, help="torch.manual_seed for model initialisation")
ap.add_argument("--allow-any-blas", action="store_true", help="do not abort when the BLAS in use is not OpenBLAS")
ap.add_argument("--quick", action="store_true", help="smoke test: tiny repeat counts (figures are meaningless)")
ap.add_argument("--skip-sgemm", action="store_true", help="do not measure raw sgemm GFLOP/s")
args = ap.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(args.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass


def log(msg):
    print(f"[seed_mlp T={args.threads}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Data: spec splitmix-bm-v1
# ---------------------------------------------------------------------------------------------------
SEED = 20240601
FEATURES = 1000
ROWS = 73_728
TRAIN_ROWS = 65_536
X_CRC32 = 3818687219
Y_CRC32 = 3916401207

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def uniforms(seed, start, count):
    """u_k for k in [start, start+count) of the SplitMix64 stream `seed` (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        k1 = np.arange(start + 1, start + count + 1, dtype=np.uint64)
        z = np.uint64(seed) + k1 * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)  # < 2^53: exact conversion


def normals(seed, start, count):
    """n_k for k in [start, start+count); start and count even (Box-Muller pairs)."""
    assert start % 2 == 0 and count % 2 == 0
    u = uniforms(seed, start, count)
    r = np.sqrt(-2.0 * np.log(1.0 - u[0::2]))
    t = (2.0 * np.pi) * u[1::2]
    out = np.empty(count, dtype=np.float64)
    out[0::2] = r * np.cos(t)
    out[1::2] = r * np.sin(t)
    return out


def generate(rows=ROWS, chunk_rows=4096):
    w = normals(SEED + 1, 0, FEATURES) / np.sqrt(1000.0)
    e = normals(SEED + 2, 0, rows + (rows % 2))[:rows]
    x = np.empty((rows, FEATURES), dtype=np.float32)
    y = np.empty(rows, dtype=np.float32)
    for r0 in range(0, rows, chunk_rows):
        r1 = min(rows, r0 + chunk_rows)
        xc = normals(SEED, r0 * FEATURES, (r1 - r0) * FEATURES).astype(np.float32).reshape(r1 - r0, FEATURES)
        x[r0:r1] = xc
        # Sum in order j = 0..999 exactly as the spec writes it: cumsum is a strict left-to-right
        # accumulation (np.sum / BLAS dot would reorder the additions).
        acc = np.cumsum(xc.astype(np.float64) * w, axis=1)[:, -1]
        y[r0:r1] = ((acc + 0.5) + 0.05 * e[r0:r1]).astype(np.float32)
    return x, y


def crc32_f32(a):
    return zlib.crc32(np.ascontiguousarray(a, dtype="<f4").tobytes()) & 0xFFFFFFFF


# ---------------------------------------------------------------------------------------------------
# BLAS in use
# ---------------------------------------------------------------------------------------------------
def blas_info():
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[5] or "lapack" in parts[5] or "mkl" in parts[5]):
                libs.add(parts[5])
    name, config, detail = "unknown", None, sorted(libs)
    import ctypes
    for p in sorted(libs):
        try:
            lib = ctypes.CDLL(p)
            fn = lib.openblas_get_config
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_char_p
        config = fn().decode()
        try:
            nthreads = lib.openblas_get_num_threads()
        except AttributeError:
            nthreads = None
        variant = "openmp" if "openblas-openmp" in p else ("pthread" if "openblas-pthread" in p else "serial" if "openblas-serial" in p else "?")
        name = f"openblas-{variant} {config.split()[1] if len(config.split()) > 1 else ''}".strip()
        detail = {"libs": sorted(libs), "openblas_config": config, "openblas_threads": nthreads}
        break
    else:
        if any("mkl" in p for p in libs):
            name = "mkl"
        elif any("/blas/" in p or "libblas.so" in p for p in libs):
            name = "reference-blas?"
        detail = {"libs": sorted(libs)}
    return name, detail


# ---------------------------------------------------------------------------------------------------
# Model and measurement helpers
# ---------------------------------------------------------------------------------------------------
def big_model():
    return nn.Sequential(nn.Linear(1000, 200), nn.ReLU(), nn.Linear(200, 100), nn.ReLU(), nn.Linear(100, 1))


def fresh(seed_offset=0):
    torch.manual_seed(args.seed + seed_offset)
    model = big_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    return model, opt


LOSS = nn.MSELoss()  # mean over the batch


def out_line(metric, **fields):
    rec = {"suite": "peer-baseline", "impl": "pytorch", "impl_version": torch.__version__, "blas": BLAS,
           "threads": args.threads, "metric": metric}
    rec.update(fields)
    print(json.dumps(rec), flush=True)


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def warm_up(fn, steps):
    """Chunks of max(5, steps/10) calls until at least 1 s has passed."""
    chunk = max(5, steps // 10)
    t0 = time.perf_counter()
    n = 0
    while time.perf_counter() - t0 < (0.05 if args.quick else 1.0):
        fn(chunk)
        n += chunk
    return n


# ---------------------------------------------------------------------------------------------------
def main():
    global BLAS
    t0 = time.perf_counter()
    x_np, y_np = generate()
    gen_s = time.perf_counter() - t0
    xc, yc = crc32_f32(x_np), crc32_f32(y_np)
    log(f"data splitmix-bm-v1 generated in {gen_s:.2f} s; CRC X={xc} y={yc}")
    if xc != X_CRC32 or yc != Y_CRC32:
        log(f"FINGERPRINT MISMATCH: expected X={X_CRC32} y={Y_CRC32}; aborting")
        sys.exit(2)

    BLAS, blas_detail = blas_info()
    log(f"BLAS: {BLAS} {blas_detail}")
    if not BLAS.startswith("openblas") and not args.allow_any_blas:
        log("BLAS in use is not OpenBLAS; set LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp "
            "or pass --allow-any-blas")
        sys.exit(3)

    x_all = torch.from_numpy(x_np)
    y_all = torch.from_numpy(y_np).reshape(-1, 1)
    x_tr, y_tr = x_all[:TRAIN_ROWS], y_all[:TRAIN_ROWS]
    x_te, y_te = x_all[TRAIN_ROWS:], y_all[TRAIN_ROWS:]

    try:
        load1 = os.getloadavg()
    except OSError:
        load1 = None
    out_line("run_info", data="splitmix-bm-v1", data_gen_s=round(gen_s, 3), x_crc32=xc, y_crc32=yc,
             blas_detail=blas_detail, torch_num_threads=torch.get_num_threads(),
             torch_config=torch.__config__.show(), parallel_info=torch.__config__.parallel_info(),
             numpy_version=np.__version__, python=sys.version.split()[0], loadavg_start=load1,
             cpu_count=os.cpu_count(), quick=args.quick,
             notes="zero_grad() with the 1.13 default (set_to_none=False); Adam defaults (foreach=None)")

    # --- sgemm (GFLOP/s), the layer-1 shapes and a square one ---------------------------------------
    if not args.skip_sgemm:
        for shape, m, k, n in (("fc1 forward b=256", 256, 1000, 200), ("fc1 forward b=1024", 1024, 1000, 200),
                               ("square 1024", 1024, 1024, 1024)):
            a = torch.randn(m, k)
            b = torch.randn(k, n)
            c = torch.empty(m, n)
            flops = 2.0 * m * k * n
            reps = max(3, int(2e9 / flops))
            if args.quick:
                reps = 2
            for _ in range(reps):
                torch.mm(a, b, out=c)
            vals = []
            for _ in range(5):
                t = time.perf_counter()
                for _ in range(reps):
                    torch.mm(a, b, out=c)
                vals.append(flops * reps / (time.perf_counter() - t) / 1e9)
            out_line("sgemm", shape=shape, m=m, k=k, n=n, unit="GFLOP/s", **stats(vals))
            log(f"sgemm {shape}: {statistics.median(vals):.1f} GFLOP/s")

    # --- training throughput ------------------------------------------------------------------------
    for batch, steps in ((1, 500), (32, 300), (256, 100), (1024, 40)):
        if args.quick:
            steps = max(2, steps // 50)
        model, opt = fresh()
        model.train()
        n_batches = TRAIN_ROWS // batch
        pos = [0]

        def train_steps(count):
            for _ in range(count):
                i = pos[0]
                pos[0] = (i + 1) % n_batches
                xb = x_tr[i * batch:(i + 1) * batch]
                yb = y_tr[i * batch:(i + 1) * batch]
                loss = LOSS(model(xb), yb)
                loss.backward()
                opt.step()
                opt.zero_grad()

        warm = warm_up(train_steps, steps)
        vals = []
        for _ in range(5):
            t = time.perf_counter()
            train_steps(steps)
            vals.append(steps * batch / (time.perf_counter() - t))
        out_line("train_throughput", batch=batch, unit="samples/s", steps=steps, warmup_steps=warm, **stats(vals))
        log(f"train b={batch}: {statistics.median(vals):.0f} samples/s (warm-up {warm} steps)")

    # --- quality: 5 epochs at batch 256, in order, no shuffling ------------------------------------
    model, opt = fresh()
    model.train()
    batch = 256
    epochs = 1 if args.quick else 5
    epoch_times = []
    for ep in range(epochs):
        t = time.perf_counter()
        for i in range(TRAIN_ROWS // batch):
            loss = LOSS(model(x_tr[i * batch:(i + 1) * batch]), y_tr[i * batch:(i + 1) * batch])
            loss.backward()
            opt.step()
            opt.zero_grad()
        epoch_times.append(time.perf_counter() - t)
        log(f"epoch {ep + 1}: {epoch_times[-1]:.2f} s, last batch loss {loss.item():.5f}")
    model.eval()

    def mse(xs, ys):
        with torch.no_grad():
            total = 0.0
            for r0 in range(0, xs.shape[0], 8192):
                d = (model(xs[r0:r0 + 8192]).double() - ys[r0:r0 + 8192].double())
                total += float((d * d).sum())
        return total / xs.shape[0]

    test_mse, train_mse = mse(x_te, y_te), mse(x_tr, y_tr)
    out_line("epoch_time", batch=batch, unit="s", epochs=epochs, **stats(epoch_times))
    out_line("final_mse", batch=batch, epochs=epochs, test_mse=test_mse, train_mse=train_mse)
    log(f"after {epochs} epochs: test MSE {test_mse:.5f}, train MSE {train_mse:.5f}")

    # --- inference (trained model, no gradient recording) ------------------------------------------
    n_test = x_te.shape[0]
    for batch, calls, metric, unit in ((1, 3000, "infer_latency", "us"), (1024, 60, "infer_throughput", "samples/s")):
        if args.quick:
            calls = max(2, calls // 100)
        n_b = n_test // batch
        pos = [0]

        def infer(count):
            with torch.no_grad():
                for _ in range(count):
                    i = pos[0]
                    pos[0] = (i + 1) % n_b
                    model(x_te[i * batch:(i + 1) * batch])

        warm = warm_up(infer, calls)
        vals = []
        for _ in range(5):
            t = time.perf_counter()
            infer(calls)
            dt = time.perf_counter() - t
            vals.append(dt / calls * 1e6 if metric == "infer_latency" else calls * batch / dt)
        out_line(metric, batch=batch, unit=unit, calls=calls, warmup_calls=warm, **stats(vals))
        log(f"{metric} b={batch}: {statistics.median(vals):.1f} {unit}")

    # --- model file: torch.save(state_dict) --------------------------------------------------------
    with torch.no_grad():
        ref = model(x_te)
    save_vals, load_vals, size, identical = [], [], None, True
    with tempfile.TemporaryDirectory(prefix="seed_mlp_") as d:
        path = os.path.join(d, "bigmodel.pt")
        for _ in range(5):
            t = time.perf_counter()
            torch.save(model.state_dict(), path)
            save_vals.append(time.perf_counter() - t)
            size = os.path.getsize(path)
            t = time.perf_counter()
            m2 = big_model()
            m2.load_state_dict(torch.load(path))
            m2.eval()
            load_vals.append(time.perf_counter() - t)
            with torch.no_grad():
                identical = identical and torch.equal(m2(x_te), ref)
    out_line("model_file_size", value=size, unit="bytes", format="torch.save(state_dict)")
    out_line("save_time", unit="s", **stats(save_vals))
    out_line("load_time", unit="s", identical_outputs=identical, **stats(load_vals))
    log(f"model file {size} B, save {statistics.median(save_vals) * 1e3:.1f} ms, "
        f"load {statistics.median(load_vals) * 1e3:.1f} ms, identical outputs: {identical}")
    if not identical:
        log("reloaded model gives different outputs")
        sys.exit(4)
    try:
        load2 = os.getloadavg()
    except OSError:
        load2 = None
    out_line("run_info_end", loadavg_end=load2, total_s=round(time.perf_counter() - t0, 1))


BLAS = "unknown"
if __name__ == "__main__":
    main()
