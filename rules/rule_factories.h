// One factory per rule file; registry.cpp lists them in catalogue order.
#pragma once

#include <memory>

#include "rules/rule.h"

namespace perfadvise {

std::unique_ptr<Rule> make_sync_d2h_rule();
std::unique_ptr<Rule> make_sync_h2d_rule();
std::unique_ptr<Rule> make_sync_explicit_rule();
std::unique_ptr<Rule> make_memcpy_pageable_rule();
std::unique_ptr<Rule> make_memcpy_sync_rule();
std::unique_ptr<Rule> make_gpu_idle_rule();
std::unique_ptr<Rule> make_dataloader_stall_rule();
std::unique_ptr<Rule> make_fp32_gemm_rule();
std::unique_ptr<Rule> make_unfused_elementwise_rule();
std::unique_ptr<Rule> make_unfused_attention_rule();
std::unique_ptr<Rule> make_gemm_alignment_rule();
std::unique_ptr<Rule> make_layout_copies_rule();
std::unique_ptr<Rule> make_memory_bound_decode_rule();
std::unique_ptr<Rule> make_small_grid_rule();
std::unique_ptr<Rule> make_alloc_churn_rule();
std::unique_ptr<Rule> make_unfused_optimizer_rule();

}  // namespace perfadvise
