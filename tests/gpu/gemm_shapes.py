"""GEMMs with known shapes for the GEMM-capture GPU test: nn.Linear(1024, 49) in bf16 on 64 rows
(torch's addmm: cuBLASLt with a bias), the same without a bias (cublasGemmEx), a batched matmul
(strided batched GEMM) and an fp32 matmul, each run a few times between NVTX step ranges.
"""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=5)
args = parser.parse_args()

torch.manual_seed(0)
x = torch.randn(64, 1024, device="cuda", dtype=torch.bfloat16)
with_bias = torch.nn.Linear(1024, 49).to("cuda", torch.bfloat16)
no_bias = torch.nn.Linear(1024, 49, bias=False).to("cuda", torch.bfloat16)
a = torch.randn(8, 64, 32, device="cuda", dtype=torch.bfloat16)
b = torch.randn(8, 32, 48, device="cuda", dtype=torch.bfloat16)
f = torch.randn(256, 512, device="cuda")
g = torch.randn(512, 128, device="cuda")
with torch.inference_mode():
    for step in range(args.steps):
        torch.cuda.nvtx.range_push(f"step#{step}")
        y = with_bias(x)
        z = no_bias(x)
        w = torch.bmm(a, b)
        h = f @ g
        torch.cuda.nvtx.range_pop()
    torch.cuda.synchronize()
print("RESULT", float(y.float().sum() + z.float().sum() + w.float().sum() + h.sum()))
