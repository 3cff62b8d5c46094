"""The masked-loss toy (shared/seeds/004): a small segmentation net whose loss syncs the host
with the GPU through nonzero, index assignment, unique and boolean masks. `--variant fixed`
applies the three fixes from the write-up (torch.where, sort + count_nonzero, ignore_index).

The sync test adds `.item()`, a CPU index tensor and a sync inside a backward function (runs on
autograd's device thread). Lines tagged `# SYNC:<name>` are where a sync call site must point;
`--expect-out FILE` writes them as JSON so the test never hard-codes line numbers.

Prints one line `RESULT {json}` with the median step time after warm-up.
"""
import argparse
import json
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


class Net(nn.Module):
    def __init__(self, num_hidden=10, num_classes=10):
        super().__init__()
        self.conv_in = nn.Conv2d(3, 10, 3, padding="same")
        hidden = []
        for _ in range(num_hidden):
            hidden.append(nn.Conv2d(10, 10, 3, padding="same"))
            hidden.append(nn.ReLU())
        self.hidden = nn.Sequential(*hidden)
        self.conv_out = nn.Conv2d(10, num_classes, 3, padding="same")

    def forward(self, x):
        x = F.relu(self.conv_in(x))
        x = self.hidden(x)
        return self.conv_out(x)


class MaskedLoss(nn.Module):
    """The write-up's loss, syncs and all."""

    def __init__(self, ignore_val=-1, num_classes=10):
        super().__init__()
        self.ignore_val = ignore_val
        self.num_classes = num_classes
        self.loss = nn.CrossEntropyLoss()

    def cross_entropy(self, pred: Tensor, target: Tensor) -> Tensor:
        mask = target != self.ignore_val
        permuted_pred = torch.permute(pred, [0, 2, 3, 1])
        masked_target = target[mask]  # SYNC:mask_target
        masked_pred = permuted_pred[mask.unsqueeze(-1).expand(-1, -1, -1, self.num_classes)]  # SYNC:mask_pred
        masked_pred = masked_pred.reshape(-1, self.num_classes)
        return self.loss(masked_pred, masked_target)

    def ignore_background(self, target: Tensor) -> Tensor:
        inds = torch.nonzero(target == self.num_classes - 1, as_tuple=True)  # SYNC:nonzero
        target[inds] = self.ignore_val  # SYNC:index_assign
        return target

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        target = self.ignore_background(target)
        unique = torch.unique(target)  # SYNC:unique
        ignore_loss = torch.numel(unique) < 2
        loss = self.cross_entropy(pred, target)
        if ignore_loss:
            loss = 0.0 * loss
        return loss


class FixedLoss(nn.Module):
    """The same loss after the three fixes: no host-device syncs."""

    def __init__(self, ignore_val=-1, num_classes=10):
        super().__init__()
        self.num_classes = num_classes
        self.loss = nn.CrossEntropyLoss(ignore_index=ignore_val)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        target = torch.where(target == self.num_classes - 1, -1 * torch.ones_like(target), target)
        sorted_target, _ = torch.sort(target.flatten())
        num_unique = torch.count_nonzero(sorted_target[1:] - sorted_target[:-1]) + 1
        loss = self.loss(pred, target)
        return torch.where(num_unique < 2, 0.0 * loss, loss)


class SyncInBackward(torch.autograd.Function):
    """Identity whose backward reads a value on the host: a sync on autograd's device thread."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        if grad.abs().max().item() > 1e30:  # SYNC:backward_item
            grad = grad.clamp(-1e30, 1e30)
        return grad


class FakeDataset(torch.utils.data.Dataset):
    def __init__(self, num_classes=10, size=256):
        self.num_classes = num_classes
        self.size = size

    def __len__(self):
        return 1_000_000

    def __getitem__(self, index):
        image = torch.randn([3, self.size, self.size], dtype=torch.float32)
        label = torch.randint(low=-1, high=self.num_classes, size=[self.size, self.size])
        return image, label


def expected_sync_lines():
    tag = re.compile(r"  # SYNC:([a-z_]+)$")
    lines = {}
    with open(__file__) as source:
        for number, text in enumerate(source, start=1):
            match = tag.search(text.rstrip())
            if match:
                lines[match.group(1)] = number
    return lines


def batches(args, device):
    """Endless (inputs, labels) on the GPU: from DataLoader workers, or made once on the GPU."""
    if args.workers > 0:
        loader = torch.utils.data.DataLoader(
            FakeDataset(), batch_size=args.batch, num_workers=args.workers, pin_memory=True)
        for images, labels in loader:
            yield (images.to(device, non_blocking=True), labels.to(device, non_blocking=True))
    g = torch.Generator(device=device).manual_seed(0)
    images = torch.randn([args.batch, 3, 256, 256], device=device, generator=g)
    labels = torch.randint(-1, 10, [args.batch, 256, 256], device=device, generator=g)
    while True:
        yield images, labels.clone()


def train(args):
    device = torch.device("cuda:0")
    torch.manual_seed(0)
    model = Net().to(device)
    criterion = (FixedLoss() if args.variant == "fixed" else MaskedLoss()).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    step_times = []
    data = batches(args, device)
    for step in range(args.steps):
        start = time.perf_counter()
        torch.cuda.nvtx.range_push(f"step#{step}")
        inputs, labels = next(data)
        outputs = model(inputs)
        if args.sync_probes:
            outputs = SyncInBackward.apply(outputs)
        loss = criterion(outputs, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if args.sync_probes:
            picked = outputs[torch.tensor([0, 1])]  # SYNC:cpu_index
            value = loss.item()  # SYNC:item
            assert picked.shape[0] == 2 and value == value
        torch.cuda.nvtx.range_pop()
        torch.cuda.synchronize()
        step_times.append(time.perf_counter() - start)
    return step_times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", choices=["baseline", "fixed"], default="baseline")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--sync-probes", action="store_true")
    parser.add_argument("--torch-profiler", action="store_true")
    parser.add_argument("--expect-out", default="")
    args = parser.parse_args()
    if args.expect_out:
        with open(args.expect_out, "w") as out:
            json.dump({"file": __file__, "lines": expected_sync_lines()}, out)
    if args.torch_profiler:
        activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
        with torch.profiler.profile(activities=activities):
            times = train(args)
    else:
        times = train(args)
    steady = times[args.warmup:] or times
    print("RESULT " + json.dumps({"workload": "masked_loss", "variant": args.variant,
                                  "steps": len(times), "median_step_ms":
                                  1e3 * statistics.median(steady)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
