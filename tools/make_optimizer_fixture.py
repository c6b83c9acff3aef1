# Golden values for lntune's optimizer path, from PyTorch: AdamW (torch.optim.AdamW, decoupled weight decay,
# decay on one parameter group only), global-norm clipping (torch.nn.utils.clip_grad_norm_), and HF's cosine
# schedule with warmup written out as a LambdaLR (transformers' get_cosine_schedule_with_warmup lambda).
# Usage: /usr/bin/python3 tools/make_optimizer_fixture.py test/fixtures/train/adamw.json
import json, math, sys
import torch

torch.manual_seed(0)
total, warmup_ratio, base_lr = 7, 0.3, 0.01
warmup = math.ceil(warmup_ratio * total)

def lr_lambda(step):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    progress = float(step - warmup) / float(max(1, total - warmup))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))

decay = torch.nn.Parameter(torch.randn(5, 3))
no_decay = torch.nn.Parameter(torch.randn(4))
opt = torch.optim.AdamW([{"params": [decay], "weight_decay": 0.1}, {"params": [no_decay], "weight_decay": 0.0}],
                        lr=base_lr, betas=(0.9, 0.95), eps=1e-6)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
out = {"total": total, "warmup_ratio": warmup_ratio, "lr": base_lr, "betas": [0.9, 0.95], "eps": 1e-6,
       "weight_decay": 0.1, "max_norm": 1.0,
       "init": {"decay": decay.detach().flatten().tolist(), "no_decay": no_decay.detach().flatten().tolist()},
       "steps": []}
for step in range(total):
    g1 = torch.randn(5, 3) * (3.0 if step % 2 == 0 else 0.2)
    g2 = torch.randn(4) * (3.0 if step % 2 == 0 else 0.2)
    decay.grad, no_decay.grad = g1.clone(), g2.clone()
    norm = torch.nn.utils.clip_grad_norm_([decay, no_decay], 1.0)
    lr = opt.param_groups[0]["lr"]
    opt.step(); sched.step()
    out["steps"].append({"grad_decay": g1.flatten().tolist(), "grad_no_decay": g2.flatten().tolist(),
                         "norm": float(norm), "lr": lr,
                         "decay": decay.detach().flatten().tolist(), "no_decay": no_decay.detach().flatten().tolist()})
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
