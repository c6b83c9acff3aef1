# The PyTorch side of bench/llama_block.ts: one LLaMA block forward + backward, all weights trainable vs only
# the two RMSNorms, median ms. Usage: /usr/bin/python3 torch_llama_block.py THREADS
import sys, time, statistics
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]))
B, T, D, H, I = 4, 256, 512, 8, 1376
hd = D // H

class RMSNorm(nn.Module):
    def __init__(s, d): super().__init__(); s.weight = nn.Parameter(torch.ones(d))
    def forward(s, x): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * s.weight

class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.n1, s.n2 = RMSNorm(D), RMSNorm(D)
        s.q, s.k, s.v, s.o = (nn.Linear(D, D, bias=False) for _ in range(4))
        s.g, s.u, s.d = nn.Linear(D, I, bias=False), nn.Linear(D, I, bias=False), nn.Linear(I, D, bias=False)
    def forward(s, x, cos, sin, mask):
        h = s.n1(x)
        q, k, v = (m(h).view(B, T, H, hd).transpose(1, 2) for m in (s.q, s.k, s.v))
        rot = lambda t: torch.cat((-t[..., hd // 2:], t[..., :hd // 2]), -1)
        q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
        att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + mask, -1) @ v
        x = x + s.o(att.transpose(1, 2).reshape(B, T, D))
        h = s.n2(x)
        return x + s.d(F.silu(s.g(h)) * s.u(h))

inv = 1.0 / 10000 ** (torch.arange(0, hd, 2).float() / hd)
f = torch.outer(torch.arange(T).float(), inv)
emb = torch.cat((f, f), -1)
cos, sin = emb.cos(), emb.sin()
mask = torch.full((T, T), float("-inf")).triu(1)
block = Block()
x = torch.randn(B, T, D, requires_grad=True)

def med(norms_only):
    for n, p in block.named_parameters(): p.requires_grad = (not norms_only) or n.startswith("n")
    times = []
    for i in range(7):
        t0 = time.perf_counter()
        block(x, cos, sin, mask).sum().backward()
        block.zero_grad(set_to_none=True); x.grad = None
        if i >= 2: times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)

print(f"all {med(False):.1f} ms norms {med(True):.1f} ms")
