"""The same Fashion-MNIST runs as `greenml train --data fashion-mnist --model mlp|cnn` in PyTorch,
for comparison: same architectures, Adam (lr 1e-3, PyTorch defaults otherwise), same batch size
and epochs, the full 60k training images with the same normalization (mean 0.2860, std 0.3530),
shuffled every epoch, then accuracy on the 10k test images. Reads Debian's IDX files directly.

Run (2 threads, OpenBLAS as on the reference machine; OMP_WAIT_POLICY=PASSIVE avoids OpenMP
spin-waiting, which made an epoch ≈ 25× slower when the 2 cores were shared with other work):
  OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 \
      tools/compare/fashion_mnist_torch.py --model cnn --epochs 5 --batch-size 64
"""
import argparse
import gzip
import struct
import time

import numpy as np
import torch
from torch import nn

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 8, path
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(d, split):
    x = read_idx(f"{d}/{split}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = read_idx(f"{d}/{split}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(((x - MEAN) / STD).reshape(-1, 784)), torch.from_numpy(y)


def model(name):
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    xtr, ytr = load(a.data_dir, "train")
    xte, yte = load(a.data_dir, "t10k")
    net = model(a.model)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    n = xtr.shape[0]
    train_seconds = 0.0
    for epoch in range(1, a.epochs + 1):
        net.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, a.batch_size):
            idx = perm[i:i + a.batch_size]
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        dt = time.perf_counter() - t0
        train_seconds += dt
        print(f"epoch {epoch}: train loss {total / n:.5f}, {dt:.2f} s, {n / dt:.0f} samples/s", flush=True)
    net.eval()
    with torch.no_grad():
        acc = (net(xte).argmax(1) == yte).float().mean().item()
    print(f"torch {torch.__version__} {a.model}: test accuracy {100 * acc:.2f}%, {a.epochs} epochs in {train_seconds:.1f} s,"
          f" {train_seconds / a.epochs:.1f} s/epoch, {n * a.epochs / train_seconds:.0f} samples/s, threads {a.threads}")


if __name__ == "__main__":
    main()
