#include "rules/sync_triggers.h"

#include <regex>
#include <vector>

namespace perfadvise {
namespace {

struct TriggerRow {
  BlockCause cause;
  const char* name;
  const char* op_pattern;    // matched against the native op and library frame functions
  const char* code_pattern;  // matched against the source line
  const char* fix;
  // The op's output size depends on the data (nonzero, unique, boolean masks): it launches
  // count / compaction / sort / gather kernels that its fix (torch.where, ignore_index, ...)
  // does not need. SYNC-D2H counts those kernels in its saving.
  bool data_dependent_shape = false;
  bool fix_keeps_sort = false;  // the fix sorts too (unique -> sort + count): not a saving
};

const TriggerRow kTriggers[] = {
    {BlockCause::kDeviceToHost, "torch.nonzero", R"(nonzero|argwhere)", R"(nonzero|argwhere)",
     "replace nonzero + indexing with torch.where(cond, new_value, x): same result, static "
     "shape, no sync (e.g. target = torch.where(target == c, -1, target))",
     true},
    {BlockCause::kDeviceToHost, "index assignment", R"(index_put)", R"(\]\s*=[^=])",
     "write through a mask instead of data-dependent indices: x = torch.where(mask, value, x) or "
     "x.masked_fill_(mask, value)",
     true},
    {BlockCause::kDeviceToHost, "torch.unique", R"(unique)", R"(unique)",
     "count distinct values on the device: s = torch.sort(x.flatten()).values; "
     "n = (s[1:] != s[:-1]).sum() + 1; keep n a tensor and branch with torch.where, not Python if",
     true, true},
    {BlockCause::kDeviceToHost, "boolean mask", R"(masked_select|^aten::index$)",
     R"(masked_select|\[[^\]]*mask|\[[^\]]*(==|!=|<|>)[^\]]*\])",
     "keep the full tensor and exclude elements instead of selecting them (the result's size "
     "depends on the data): for a loss, CrossEntropyLoss(ignore_index=-1) (or reduction='none' "
     "times the mask); elsewhere torch.where(mask, x, 0)",
     true},
    {BlockCause::kDeviceToHost, ".item()", R"(_local_scalar_dense|aten::item)", R"(\.item\(\))",
     "keep the value on the device (accumulate as a tensor, compare with torch.where) and read "
     "it once every N steps"},
    {BlockCause::kDeviceToHost, ".tolist() / .cpu() / .numpy()", R"(aten::_to_copy|aten::copy_)",
     R"(\.tolist\(\)|\.numpy\(\)|\.cpu\(\)|\.to\(["']cpu)",
     "copy into pinned memory with non_blocking=True and read it after an event, later in the "
     "step, or keep the computation on the device"},
    {BlockCause::kDeviceToHost, "Python branch on a tensor", R"(is_nonzero)",
     R"(^(if|elif|while|assert)\b)",
     "make the branch a tensor operation (torch.where) or check the condition every N steps"},
    {BlockCause::kDeviceToHost, "data-dependent output size", R"(repeat_interleave|bincount|histc)",
     R"(repeat_interleave|bincount|histc)",
     "pass the output size (repeat_interleave(output_size=...), bincount(minlength=...)) so the "
     "op need not read its input back",
     true},
    {BlockCause::kHostToDevice, "tensor built on the CPU",
     R"(aten::lift_fresh|aten::tensor|scalar_tensor|from_numpy|as_tensor)",
     R"(torch\.(tensor|as_tensor|from_numpy|Tensor)\()",
     "build the tensor on the GPU: create it once outside the loop (register_buffer), or with "
     "torch.arange/torch.full(..., device='cuda'); if it must come from the host, pin it "
     "(pin_memory()) and copy with non_blocking=True"},
    {BlockCause::kHostToDevice, "blocking .to(device) / .cuda()", R"(aten::_to_copy|aten::copy_)",
     R"(\.(to|cuda)\()",
     "create the tensor on the device, or pin_memory() it and copy with "
     ".to(device, non_blocking=True)"},
    {BlockCause::kExplicitSync, "torch.cuda.synchronize()", R"(synchronize)", R"(synchronize\(\))",
     "remove torch.cuda.synchronize() from the step; to time GPU work use "
     "torch.cuda.Event(enable_timing=True) and read the events once at the end"},
    {BlockCause::kExplicitSync, "event synchronize", R"(Event|event)", R"(\.synchronize\(\)|wait)",
     "order the work on the GPU with stream.wait_event(event) instead of blocking the host"},
};

const char* generic_fix(BlockCause cause) {
  switch (cause) {
    case BlockCause::kDeviceToHost:
      return "the host reads GPU data here and waits for all queued work: keep the value on the "
             "device, or copy it to pinned memory with non_blocking=True and read it later";
    case BlockCause::kHostToDevice:
      return "the copy to the GPU blocks the host: create the data on the device once, or pin "
             "the host memory and copy with non_blocking=True";
    case BlockCause::kExplicitSync:
      return "remove the synchronization from the step, or replace it with events and stream "
             "waits (cudaStreamWaitEvent / stream.wait_event) that do not block the host";
    case BlockCause::kFree:
      return "keep allocations out of the loop: allocate once and reuse the buffers";
    case BlockCause::kOtherCopy:
      break;
  }
  return "use asynchronous copies and synchronize with events only where the data is needed";
}

struct CompiledTrigger {
  const TriggerRow* row;
  std::regex op, code;
};

const std::vector<CompiledTrigger>& compiled() {
  static const std::vector<CompiledTrigger> rows = [] {
    std::vector<CompiledTrigger> out;
    for (const TriggerRow& row : kTriggers) {
      out.push_back({&row, std::regex(row.op_pattern), std::regex(row.code_pattern)});
    }
    return out;
  }();
  return rows;
}

// Function names of the library frames of the stack ("unique", "_return_output", ...).
std::string library_functions(const Location& loc) {
  std::string out;
  for (const std::string& frame : loc.stack) {
    if (frame.find("/torch/") == std::string::npos) continue;
    out += frame.substr(frame.find(' ') + 1) + " ";
  }
  return out;
}

}  // namespace

SyncTrigger identify_trigger(BlockCause cause, const Location& location) {
  // The user's own source line is the most specific evidence, then the native op (the op that
  // synchronized can be an inner one: torch.tensor(...) syncs in aten::copy_), then the names of
  // the torch frames on the stack.
  const std::string frames = library_functions(location);
  const std::string* texts[] = {&location.code, &location.op, &frames};
  for (int pass = 0; pass < 3; ++pass) {
    const std::string& text = *texts[pass];
    if (text.empty()) continue;
    for (const CompiledTrigger& t : compiled()) {
      if (t.row->cause != cause) continue;
      if (std::regex_search(text, pass == 0 ? t.code : t.op))
        return {t.row->name, t.row->fix, t.row->data_dependent_shape, t.row->fix_keeps_sort};
    }
  }
  return {"", generic_fix(cause)};
}

}  // namespace perfadvise
