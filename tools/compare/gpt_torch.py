"""The PyTorch peer for `greenml bench gpt`: the same GPT (GPT-2 block: pre-LayerNorm, causal
multi-head attention, GELU-tanh MLP, tied head), the same config and thread count, measuring
  train     tokens/s of AdamW steps on random tokens (forward, backward, clip, step)
  gen-naive batch-1 generation without a KV cache: every token re-runs the whole (cropped) prefix
  gen-kv    batch-1 generation with a hand-written KV cache loop (what greenml does)
Prints one JSON object per line, with tokens per wall second and per CPU-second of the process
(time.process_time(); the greenml side uses the JVM's process CPU time, GC and JIT included). Run with the system's OpenBLAS build of PyTorch, e.g.
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 tools/compare/gpt_torch.py \
      --layers 4 --heads 4 --width 160 --context 128 --vocab 512 --batch 16 --threads 1
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
for name, default in [("layers", 4), ("heads", 4), ("width", 160), ("context", 128), ("vocab", 512),
                      ("batch", 16), ("threads", 1), ("steps", 10), ("tokens", 200), ("repeats", 3)]:
    p.add_argument("--" + name, type=int, default=default)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
C, H, T, V = a.width, a.heads, a.context, a.vocab


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.attn_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def attn(self, x, cache=None):
        b, t, _ = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = [z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v)]   # (B, H, t, d)
        if cache is not None:                      # incremental: append to the cache, attend over all of it
            if cache[0] is not None:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[0], cache[1] = k, v
            s = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)      # one query: no mask needed
        else:
            s = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
            s = s.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf"))
        y = (F.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(b, t, C)
        return self.attn_proj(y)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList([Block() for _ in range(a.layers)])
        self.ln_f = nn.LayerNorm(C)

    def forward(self, ids, start=0, caches=None):
        x = self.wte(ids) + self.wpe(torch.arange(start, start + ids.shape[1]))
        for i, blk in enumerate(self.h):
            x = blk(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.T


m = Gpt()
params = sum(p.numel() for p in m.parameters())
decay = [p for p in m.parameters() if p.dim() >= 2]
no_decay = [p for p in m.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=1e-3, betas=(0.9, 0.95))
data = torch.randint(0, V, (200_000,), generator=torch.Generator().manual_seed(1))
cfg = dict(layers=a.layers, heads=H, width=C, context=T, vocab=V, batch=a.batch, threads=a.threads, parameters=params)


def train_steps(n):
    for _ in range(n):
        ix = torch.randint(0, len(data) - T - 1, (a.batch,))
        x = torch.stack([data[i:i + T] for i in ix])
        y = torch.stack([data[i + 1:i + T + 1] for i in ix])
        loss = F.cross_entropy(m(x).view(-1, V), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()


def generate(n, kv):
    ids = torch.tensor([[1]])
    with torch.no_grad():
        if kv:
            caches = [[None, None] for _ in m.h]
            pos, logits = 0, m(ids, 0, caches)
            for _ in range(n):
                nxt = logits[:, -1].argmax(-1, keepdim=True)
                pos += 1
                if pos >= T:                          # slide like greenml: rebuild from the last half-context
                    keep = torch.cat([ids, nxt], 1)[:, -(T // 2):]
                    caches = [[None, None] for _ in m.h]
                    logits, pos = m(keep, 0, caches), keep.shape[1] - 1
                else:
                    logits = m(nxt, pos, caches)
                ids = torch.cat([ids, nxt], 1)
        else:
            for _ in range(n):
                logits = m(ids[:, -T:])
                ids = torch.cat([ids, logits[:, -1].argmax(-1, keepdim=True)], 1)


train_steps(5)   # warm-up, as many steps as the greenml side
for r in range(a.repeats):
    t0, c0 = time.perf_counter(), time.process_time(); train_steps(a.steps)
    s, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps(dict(impl="pytorch " + torch.__version__, measure="train", repeat=r,
                          tokens_per_second=a.steps * a.batch * T / s, seconds=s,
                          tokens_per_cpu_second=a.steps * a.batch * T / cpu, **cfg)), flush=True)
for kv in (False, True):
    generate(5, kv)
    for r in range(a.repeats):
        t0, c0 = time.perf_counter(), time.process_time(); generate(a.tokens, kv)
        s, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(json.dumps(dict(impl="pytorch " + torch.__version__, measure="gen-kv" if kv else "gen-naive", repeat=r,
                              tokens_per_second=a.tokens / s, seconds=s, tokens_per_cpu_second=a.tokens / cpu, **cfg)), flush=True)
