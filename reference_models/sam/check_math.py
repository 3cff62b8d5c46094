#!/usr/bin/env python3
"""CPU check (numpy) of the two index derivations the fused path relies on, against SAM's own
formulas (segment_anything/modeling/image_encoder.py):

1. relpos_fold: with q_ext = [q*scale, (q*scale)·(Rh/scale), (q*scale)·(Rw/scale)] and
   k_ext = [k, onehot(key row), onehot(key col)] as built in sam_attention.cpp,
   q_ext·k_ext equals (q*scale)·k + add_decomposed_rel_pos's rel_h[.., k_row] + rel_w[.., k_col].
2. The row layouts of sam_kernels.cu (row_of_token / token_of_row) equal window_partition's order,
   padding rows included.

Usage: python3 reference_models/sam/check_math.py   (exit 1 on a mismatch)
"""
import sys

import numpy as np


def rel_index(size):
    pos = np.arange(size)
    return pos[:, None] - pos[None, :] + size - 1


def sam_attention_logits(q, k, rel_pos_h, rel_pos_w, size, scale):
    bh, tokens, hd = q.shape
    attn = (q * scale) @ k.transpose(0, 2, 1)
    r_q = q.reshape(bh, size, size, hd)
    rel_h = np.einsum("bhwc,hkc->bhwk", r_q, rel_pos_h[rel_index(size)])
    rel_w = np.einsum("bhwc,wkc->bhwk", r_q, rel_pos_w[rel_index(size)])
    attn = attn.reshape(bh, size, size, size, size) + rel_h[..., None] + rel_w[..., None, :]
    return attn.reshape(bh, tokens, tokens)


def folded_logits(q, k, rel_pos_h, rel_pos_w, size, scale):
    bh, tokens, hd = q.shape
    padded = (size + 7) // 8 * 8
    q_scaled = q * scale  # the scale is folded into the qkv weights

    def table(rel_pos):
        t = np.zeros((size, padded, hd))
        t[:, :size] = rel_pos[rel_index(size)] / scale
        return t

    r_q = q_scaled.reshape(bh, size, size, hd)
    rel_h = np.einsum("bhwc,hkc->bhwk", r_q, table(rel_pos_h)).reshape(bh, tokens, padded)
    rel_w = np.einsum("bhwc,wkc->bhwk", r_q, table(rel_pos_w)).reshape(bh, tokens, padded)
    token = np.arange(tokens)
    key_positions = np.concatenate(
        [np.eye(padded)[token // size], np.eye(padded)[token % size]], 1)
    q_ext = np.concatenate([q_scaled, rel_h, rel_w], -1)
    k_ext = np.concatenate([k, np.broadcast_to(key_positions, (bh, tokens, 2 * padded))], -1)
    return q_ext @ k_ext.transpose(0, 2, 1)


def check_folding(rng):
    worst = 0.0
    for size, hd in [(14, 64), (32, 64), (5, 8)]:
        q = rng.standard_normal((3, size * size, hd))
        k = rng.standard_normal((3, size * size, hd))
        rel_h = rng.standard_normal((2 * size - 1, hd))
        rel_w = rng.standard_normal((2 * size - 1, hd))
        scale = hd ** -0.5
        ref = sam_attention_logits(q, k, rel_h, rel_w, size, scale)
        got = folded_logits(q, k, rel_h, rel_w, size, scale)
        worst = max(worst, np.abs(got - ref).max() / np.abs(ref).max())
    print(f"relpos_fold: max relative difference {worst:.1e}")
    return worst < 1e-12


def window_partition(x, window):
    b, h, w, c = x.shape
    pad_h, pad_w = (window - h % window) % window, (window - w % window) % window
    x = np.pad(x, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)))
    hp, wp = h + pad_h, w + pad_w
    x = x.reshape(b, hp // window, window, wp // window, window, c).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(-1, c)


def row_of_token(grid, window, b, h, w):
    side = (grid + window - 1) // window
    win = (b * side + h // window) * side + w // window
    return (win * window + h % window) * window + w % window


def token_of_row(grid, window, row):
    side = (grid + window - 1) // window
    ix, row = row % window, row // window
    iy, row = row % window, row // window
    wx, row = row % side, row // side
    wy, b = row % side, row // side
    h, w = wy * window + iy, wx * window + ix
    return (b, h, w) if h < grid and w < grid else None


def check_layout(rng):
    ok = True
    for grid, window, batch in [(64, 14, 2), (32, 14, 3), (28, 14, 1)]:
        x = rng.standard_normal((batch, grid, grid, 1)) + 10  # only padding is zero
        rows = window_partition(x, window)[:, 0]
        for row, value in enumerate(rows):
            token = token_of_row(grid, window, row)
            if token is None:
                ok &= value == 0
            else:
                ok &= value == x[token][0] and row_of_token(grid, window, *token) == row
    print(f"window layout: {'matches' if ok else 'DIFFERS FROM'} window_partition")
    return ok


def main():
    rng = np.random.default_rng(0)
    return 0 if check_folding(rng) & check_layout(rng) else 1


if __name__ == "__main__":
    sys.exit(main())
