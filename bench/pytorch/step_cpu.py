#!/usr/bin/env python3
"""Thread CPU time per training step of the seed model in PyTorch, one thread (a development aid,
not a protocol measurement; counterpart of greenml's dev.greenml.bench.StepProfile).

On a shared machine, wall-clock throughput mostly measures how much of a core the process got;
the CPU time the training thread itself used per step is far less sensitive to that, so the two
engines can be compared on it even under load (caches are still shared, so it is not immune).
Random inputs; steps as in the protocol (forward, MSE, backward, Adam.step, zero_grad).

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch/step_cpu.py
"""
import os
import statistics
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(1)
x_all, y_all = torch.rand(1024, 1000) * 2 - 1, torch.rand(1024, 1) * 2 - 1
batches = [int(b) for b in (sys.argv[1] if len(sys.argv) > 1 else "1,32,256,1024").split(",")]
for b in batches:
    model = nn.Sequential(nn.Linear(1000, 200), nn.ReLU(), nn.Linear(200, 100), nn.ReLU(), nn.Linear(100, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x, y = x_all[:b], y_all[:b]
    steps = max(20, 4000 // b)
    cpu = []
    for p in range(2):   # pass 0 warms up
        for _ in range(steps):
            c0 = time.thread_time_ns()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            opt.zero_grad()
            cpu.append(time.thread_time_ns() - c0)
    med = statistics.median(cpu[steps:])
    with torch.no_grad():
        model.eval()
        x1 = x_all[:1]
        inf = []
        for _ in range(2 * steps):
            c0 = time.thread_time_ns()
            for _ in range(10):
                model(x1)
            inf.append((time.thread_time_ns() - c0) / 10)
    print(f"pytorch T=1 b={b:<5} step {med / 1e3:.1f} us cpu => {b / (med / 1e9):.0f} samples/s cpu; "
          f"infer b=1 {statistics.median(inf[steps:]) / 1e3:.1f} us cpu", flush=True)
