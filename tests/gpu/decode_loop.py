"""Batch-1 greedy decoding with a small Llama-style model in eager PyTorch (16 layers, dim 1024,
bf16, KV cache): a launch-bound loop of a few hundred small kernels per token.

Prints one line `RESULT {json}` with the median ms/token over windows of tokens after warm-up.
`--seconds S` keeps decoding (restarting the sequence) for S seconds instead of --tokens.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        variance = x.float().pow(2).mean(-1, keepdim=True)
        return (x.float() * torch.rsqrt(variance + self.eps)).type_as(x) * self.weight


def rotate(x, cos, sin):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


class Block(nn.Module):
    def __init__(self, dim, heads, max_len):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.attn_norm, self.mlp_norm = RMSNorm(dim), RMSNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)
        self.gate_up = nn.Linear(dim, 2 * 4 * dim, bias=False)
        self.down = nn.Linear(4 * dim, dim, bias=False)
        self.register_buffer("k_cache", torch.zeros(1, heads, max_len, self.head_dim))
        self.register_buffer("v_cache", torch.zeros(1, heads, max_len, self.head_dim))

    def forward(self, x, pos, cos, sin):
        q, k, v = self.qkv(self.attn_norm(x)).view(1, 1, 3, self.heads, self.head_dim).unbind(2)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        self.k_cache[:, :, pos : pos + 1] = k
        self.v_cache[:, :, pos : pos + 1] = v
        # Plain attention: SDPA's cuDNN backend plans a graph per sequence length, which makes
        # the loop CPU-bound in planning rather than launch-bound.
        keys, values = self.k_cache[:, :, : pos + 1], self.v_cache[:, :, : pos + 1]
        scores = (q @ keys.transpose(-1, -2)) * self.head_dim**-0.5
        attn = torch.softmax(scores.float(), dim=-1).to(q.dtype) @ values
        x = x + self.out(attn.transpose(1, 2).reshape(1, 1, -1))
        gate, up = self.gate_up(self.mlp_norm(x)).chunk(2, dim=-1)
        return x + self.down(F.silu(gate) * up)


class TinyLlama(nn.Module):
    def __init__(self, vocab=32000, dim=1024, layers=16, heads=16, max_len=512):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList(Block(dim, heads, max_len) for _ in range(layers))
        self.norm = RMSNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        head_dim = dim // heads
        inv = 1.0 / (10000 ** (torch.arange(0, head_dim, 2).float() / head_dim))
        angles = torch.outer(torch.arange(max_len).float(), inv)
        angles = torch.cat([angles, angles], dim=-1)
        self.register_buffer("cos", angles.cos())
        self.register_buffer("sin", angles.sin())
        self.max_len = max_len

    def forward(self, token, pos):
        x = self.embed(token).view(1, 1, -1)
        cos, sin = self.cos[pos].to(x.dtype), self.sin[pos].to(x.dtype)
        for block in self.blocks:
            x = block(x, pos, cos, sin)
        return self.head(self.norm(x)).view(-1)


@torch.inference_mode()
def decode(args):
    model = TinyLlama().to("cuda", torch.bfloat16).eval()
    token = torch.zeros(1, dtype=torch.long, device="cuda")
    window_ms = []
    pos, produced = 0, 0
    deadline = time.perf_counter() + args.seconds if args.seconds > 0 else None
    window_start = time.perf_counter()
    while True:
        torch.cuda.nvtx.range_push("token")
        cpu_start = time.thread_time_ns()
        token = model(token, pos).argmax().view(1)
        if args.cpu_marks:
            torch.cuda.nvtx.mark(f"cpu_ns={time.thread_time_ns() - cpu_start}")
        torch.cuda.nvtx.range_pop()
        pos, produced = (pos + 1) % model.max_len, produced + 1
        if produced % args.window == 0:
            torch.cuda.synchronize()
            now = time.perf_counter()
            window_ms.append(1e3 * (now - window_start) / args.window)
            window_start = now
            if deadline is not None and now >= deadline:
                break
            if deadline is None and produced >= args.tokens:
                break
    return produced, window_ms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--window", type=int, default=20)
    parser.add_argument("--warmup-windows", type=int, default=2)
    parser.add_argument("--torch-profiler", action="store_true")
    # An NVTX mark per token with the CPU time this thread spent launching it: the collector's
    # cost is CPU time on this thread, and unlike wall time it ignores the host's preemption.
    parser.add_argument("--cpu-marks", action="store_true")
    args = parser.parse_args()
    if args.torch_profiler:
        activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
        with torch.profiler.profile(activities=activities):
            produced, windows = decode(args)
    else:
        produced, windows = decode(args)
    steady = windows[args.warmup_windows:] or windows
    print("RESULT " + json.dumps({"workload": "decode_loop", "tokens": produced,
                                  "median_ms_per_token": statistics.median(steady)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
