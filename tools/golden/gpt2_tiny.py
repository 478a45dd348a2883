"""Golden logits for GptCheckpointTest: a tiny GPT-2-shaped model written out with plain PyTorch
ops (no greenml code), weights from a closed-form formula that the Java test reproduces.

Run:  /usr/bin/python3 tools/golden/gpt2_tiny.py
Writes greenml-core/src/test/resources/golden/gpt2-tiny-logits.json.

Weights: the k-th tensor in NAMES order, element i (row-major, GPT-2 Conv1D layout (in, out)):
    LayerNorm weights: 1 + 0.1*sin(0.37*i + 0.91*k + 0.1)
    everything else:       0.2*sin(0.37*i + 0.91*k + 0.1)
"""
import json, math, os
import torch
import torch.nn.functional as F

V, T, L, H, C = 11, 8, 2, 2, 8
IDS = [3, 1, 4, 1, 5, 9, 2, 6]

def names():
    n = [("wte.weight", (V, C)), ("wpe.weight", (T, C))]
    for l in range(L):
        p = f"h.{l}."
        n += [(p + "ln_1.weight", (C,)), (p + "ln_1.bias", (C,)),
              (p + "attn.c_attn.weight", (C, 3 * C)), (p + "attn.c_attn.bias", (3 * C,)),
              (p + "attn.c_proj.weight", (C, C)), (p + "attn.c_proj.bias", (C,)),
              (p + "ln_2.weight", (C,)), (p + "ln_2.bias", (C,)),
              (p + "mlp.c_fc.weight", (C, 4 * C)), (p + "mlp.c_fc.bias", (4 * C,)),
              (p + "mlp.c_proj.weight", (4 * C, C)), (p + "mlp.c_proj.bias", (C,))]
    n += [("ln_f.weight", (C,)), ("ln_f.bias", (C,))]
    return n

W = {}
for k, (name, shape) in enumerate(names()):
    count = math.prod(shape)
    i = torch.arange(count, dtype=torch.float64)
    v = torch.sin(0.37 * i + 0.91 * k + 0.1)
    v = 1 + 0.1 * v if ("ln_" in name and name.endswith("weight")) else 0.2 * v
    W[name] = v.reshape(shape).to(torch.float64)

x = W["wte.weight"][IDS] + W["wpe.weight"][:T]
mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
for l in range(L):
    p = f"h.{l}."
    a = F.layer_norm(x, (C,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], 1e-5)
    qkv = a @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]     # Conv1D: x @ W(in, out)
    q, k, v = qkv.split(C, dim=-1)
    q, k, v = [t.reshape(T, H, C // H).transpose(0, 1) for t in (q, k, v)]   # (H, T, d)
    s = (q @ k.transpose(-1, -2)) / math.sqrt(C // H)
    s = s.masked_fill(~mask, float("-inf"))
    y = (F.softmax(s, dim=-1) @ v).transpose(0, 1).reshape(T, C)
    x = x + y @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
    m = F.layer_norm(x, (C,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], 1e-5)
    h = F.gelu(m @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"], approximate="tanh")
    x = x + h @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
x = F.layer_norm(x, (C,), W["ln_f.weight"], W["ln_f.bias"], 1e-5)
logits = x @ W["wte.weight"].T                                          # tied head

out = {"config": {"vocab": V, "context": T, "layers": L, "heads": H, "width": C},
       "ids": IDS, "computed_by": "tools/golden/gpt2_tiny.py, PyTorch " + torch.__version__ + ", float64",
       "logits": [[round(float(v), 8) for v in row] for row in logits]}
path = os.path.join(os.path.dirname(__file__), "..", "..", "greenml-core", "src", "test", "resources", "golden", "gpt2-tiny-logits.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
