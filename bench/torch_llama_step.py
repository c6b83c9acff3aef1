# The PyTorch side of bench/train_step.ts: one training step (forward + backward + AdamW) of a LLaMA, the median
# of timed steps after warm-up (as lntune's side), with the torch version and its BLAS printed.
# Usage: /usr/bin/python3 bench/torch_llama_step.py SHAPE MODE THREADS [bf16]
#   SHAPE: small (d 512, 8 layers, 8 heads, SwiGLU 1376, vocab 32000, batch 4 x 256) or tinyllama (TinyLlama-1.1B:
#          d 2048, 22 layers, 32 heads / 4 kv heads, SwiGLU 5632, vocab 32000, batch 1 x 640).
#   MODE: norm (only the RMSNorm weights train: LayerNorm-simp.), ln (those plus embeddings and head: LayerNorm),
#         all (every parameter).
#   bf16: frozen weights stored bf16 and the step under CPU autocast to bf16 (trainable weights stay f32).
import math, os, resource, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

shape, mode, nthreads = sys.argv[1], sys.argv[2], int(sys.argv[3])
bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
torch.set_num_threads(nthreads)
torch.manual_seed(0)
if shape == "small":
    D, L, H, KV, FF, S, B, V, steps = 512, 8, 8, 8, 1376, 256, 4, 32000, 5
else:
    D, L, H, KV, FF, S, B, V, steps = 2048, 22, 32, 4, 5632, 640, 1, 32000, 3
HD = D // H


class RMSNorm(nn.Module):
    def __init__(s, d, eps=1e-5):
        super().__init__()
        s.weight = nn.Parameter(torch.ones(d))
        s.eps = eps

    def forward(s, x):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + s.eps)).type_as(x) * s.weight


def rope_cache(S, hd, base=10000.0):
    inv = 1.0 / (base ** (torch.arange(0, hd, 2).float() / hd))
    f = torch.outer(torch.arange(S).float(), inv)
    emb = torch.cat((f, f), -1)
    return emb.cos(), emb.sin()


def rope(x, cos, sin):  # x [B, H, S, hd], rotate-half
    x1, x2 = x[..., : HD // 2], x[..., HD // 2 :]
    return x * cos + torch.cat((-x2, x1), -1) * sin


class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.input_layernorm, s.post_attention_layernorm = RMSNorm(D), RMSNorm(D)
        s.q, s.o = nn.Linear(D, H * HD, bias=False), nn.Linear(H * HD, D, bias=False)
        s.k, s.v = nn.Linear(D, KV * HD, bias=False), nn.Linear(D, KV * HD, bias=False)
        s.gate, s.up = nn.Linear(D, FF, bias=False), nn.Linear(D, FF, bias=False)
        s.down = nn.Linear(FF, D, bias=False)

    def forward(s, x, cos, sin, mask):
        h = s.input_layernorm(x)
        q = s.q(h).view(B, S, H, HD).transpose(1, 2)
        k = s.k(h).view(B, S, KV, HD).transpose(1, 2).repeat_interleave(H // KV, 1)
        v = s.v(h).view(B, S, KV, HD).transpose(1, 2).repeat_interleave(H // KV, 1)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(HD)) + mask
        y = att.float().softmax(-1).type_as(v) @ v
        x = x + s.o(y.transpose(1, 2).reshape(B, S, D))
        h = s.post_attention_layernorm(x)
        return x + s.down(F.silu(s.gate(h)) * s.up(h))


class LM(nn.Module):
    def __init__(s):
        super().__init__()
        s.embed_tokens = nn.Embedding(V, D)
        s.blocks = nn.ModuleList(Block() for _ in range(L))
        s.norm = RMSNorm(D)
        s.lm_head = nn.Linear(D, V, bias=False)
        cos, sin = rope_cache(S, HD)
        s.register_buffer("cos", cos)
        s.register_buffer("sin", sin)
        s.register_buffer("mask", torch.full((S, S), float("-inf")).triu(1))

    def forward(s, idx):
        x = s.embed_tokens(idx)
        for b in s.blocks:
            x = b(x, s.cos, s.sin, s.mask)
        return s.lm_head(s.norm(x))


m = LM()
for n, p in m.named_parameters():
    norm = isinstance(dict(m.named_modules())[n.rsplit(".", 1)[0]], RMSNorm)
    p.requires_grad_(mode == "all" or norm or (mode == "ln" and n.split(".")[0] in ("embed_tokens", "lm_head")))
    if bf16 and not p.requires_grad:
        p.data = p.data.to(torch.bfloat16)
train = [p for p in m.parameters() if p.requires_grad]
opt = torch.optim.AdamW(train, lr=1e-4)
idx = torch.randint(0, V, (B, S))
tgt = torch.randint(0, V, (B, S))


def step():
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = m(idx)
        loss = F.cross_entropy(logits.float().view(-1, V), tgt.view(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


step()
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    l = step()
    times.append(time.perf_counter() - t0)
with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
    fwd = []
    for _ in range(2):
        t1 = time.perf_counter()
        m(idx)
        fwd.append(time.perf_counter() - t1)
dt = statistics.median(times)
# The BLAS library torch's CPU products load (its build says only BLAS_INFO=generic for Debian's).
torch.mm(torch.ones(8, 8), torch.ones(8, 8))
blas = ",".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l})) or "?"
print(
    f"torch {torch.__version__} BLAS {blas} threads={torch.get_num_threads()} "
    f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(default)')} shape={shape} mode={mode} "
    f"bf16={bf16} trainable={sum(p.numel() for p in train)} "
    f"step(fwd+bwd+AdamW)={dt * 1000:.0f} ms  tokens/s={B * S / dt:.0f}  fwd-only(no_grad)={statistics.median(fwd) * 1000:.0f} ms "
    f"loss={l:.3f} maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
    flush=True,
)
