"""Golden values for ConvGoldenTest: Conv2d(2→3, 3, padding 1) → BatchNorm2d(3) → MaxPool2d(2)
in PyTorch 1.13 (float32), training mode, then one eval-mode forward with the updated running
statistics. Inputs and weights are formulas (sin/cos of the flat index), so the Java test
rebuilds them without reading any file. Prints Java array literals to paste into the test.

Run: /usr/bin/python3 tools/golden/conv_bn_pool_golden.py
"""
import math
import torch

torch.set_default_dtype(torch.float32)


def fill(shape, f):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float32).reshape(shape)


x = fill((2, 2, 4, 4), lambda i: math.sin(0.7 * i + 0.3)).requires_grad_(True)
conv = torch.nn.Conv2d(2, 3, 3, padding=1)
bn = torch.nn.BatchNorm2d(3)
with torch.no_grad():
    conv.weight.copy_(fill((3, 2, 3, 3), lambda i: 0.2 * math.cos(0.37 * i + 0.1)))
    conv.bias.copy_(fill((3,), lambda i: 0.05 * i - 0.05))
    bn.weight.copy_(fill((3,), lambda i: 1 + 0.1 * i))
    bn.bias.copy_(fill((3,), lambda i: 0.1 * i - 0.1))
net = torch.nn.Sequential(conv, bn, torch.nn.MaxPool2d(2))
net.train()
y = net(x)
r = fill(tuple(y.shape), lambda i: math.cos(1.3 * i))
(y * r).sum().backward()
net.eval()
with torch.no_grad():
    y_eval = net(x)


def java(name, t):
    vals = ", ".join(f"{v:.8g}f" for v in t.detach().reshape(-1).tolist())
    print(f"    static final float[] {name} = {{{vals}}};")


java("Y_TRAIN", y)
java("RUNNING_MEAN", bn.running_mean)
java("RUNNING_VAR", bn.running_var)
java("Y_EVAL", y_eval)
java("DX", x.grad)
java("DW", conv.weight.grad)
java("DB", conv.bias.grad)
java("DGAMMA", bn.weight.grad)
java("DBETA", bn.bias.grad)
