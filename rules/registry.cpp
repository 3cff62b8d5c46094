#include "rules/registry.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "rules/rule_docs.h"
#include "rules/rule_factories.h"

namespace perfadvise {

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> out;
    for (auto make :
         {make_sync_d2h_rule, make_sync_h2d_rule, make_sync_explicit_rule,
          make_memcpy_pageable_rule, make_memcpy_sync_rule, make_gpu_idle_rule,
          make_dataloader_stall_rule, make_fp32_gemm_rule, make_unfused_elementwise_rule,
          make_unfused_attention_rule, make_gemm_alignment_rule, make_layout_copies_rule,
          make_memory_bound_decode_rule, make_small_grid_rule, make_alloc_churn_rule,
          make_unfused_optimizer_rule}) {
      out.push_back(make());
    }
    return out;
  }();
  return rules;
}

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

const Rule* find_rule(std::string_view id) {
  const std::string wanted = upper(id);
  for (const auto& rule : all_rules()) {
    if (rule->id() == wanted) return rule.get();
  }
  return nullptr;
}

std::string_view rule_doc(std::string_view id) {
  const std::string wanted = upper(id);
  for (const EmbeddedRuleDoc& doc : embedded_rule_docs()) {
    if (doc.id == wanted) return doc.text;
  }
  return {};
}

}  // namespace perfadvise
