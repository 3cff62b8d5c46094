#include "analyzer/gpu_timeline.h"

#include <algorithm>

namespace perfadvise {
namespace {

constexpr TimeNs kUnknownLaunch = INT64_MIN;

struct GpuOp {
  TimeNs start;
  TimeNs end;
  TimeNs launch_end;  // end of the API call that issued it, or kUnknownLaunch
};

template <typename Row>
void add_ops(const Profile& p, const std::vector<Row>& rows, std::vector<GpuOp>& ops) {
  for (const Row& r : rows) {
    const uint32_t api = p.api_by_correlation.find(r.correlation_id);
    const TimeNs launch = api == CorrelationIndex::kNone ? kUnknownLaunch : p.api_calls[api].end;
    ops.push_back({r.start, std::max(r.start, r.end), launch});
  }
}

std::vector<GpuOp> gpu_ops(const Profile& p) {
  std::vector<GpuOp> ops;
  ops.reserve(p.kernels.size() + p.memcpys.size() + p.memsets.size());
  // Each table is already sorted by start (Profile::build_indexes): merging is linear.
  auto by_start = [](const GpuOp& a, const GpuOp& b) { return a.start < b.start; };
  add_ops(p, p.kernels, ops);
  const auto kernels_end = ops.end() - ops.begin();
  add_ops(p, p.memcpys, ops);
  std::inplace_merge(ops.begin(), ops.begin() + kernels_end, ops.end(), by_start);
  const auto copies_end = ops.end() - ops.begin();
  add_ops(p, p.memsets, ops);
  std::inplace_merge(ops.begin(), ops.begin() + copies_end, ops.end(), by_start);
  return ops;
}

// Follows which host block (if any) owns the current run of starved GPU ops.
class BubbleTracker {
 public:
  explicit BubbleTracker(std::vector<HostBlock>& blocks) : blocks_(blocks) {}

  // Called at each gap that opens at `drain`: a block the host was in when the GPU drained
  // starts (or continues) a bubble.
  void on_gap(TimeNs drain) {
    while (next_ < blocks_.size() && blocks_[next_].start <= drain + kSyncReturnToleranceNs) {
      if (latest_ == UINT32_MAX || blocks_[next_].end > blocks_[latest_].end) latest_ = next_;
      ++next_;
    }
    if (latest_ == UINT32_MAX || blocks_[latest_].end < drain - kSyncReturnToleranceNs) return;
    if (owner_ == latest_) return;
    // A sync inside a bubble adds its lead to what the host already lost: without either sync
    // the host would be ahead by both.
    budget_ = (owner_ == UINT32_MAX ? 0 : budget_) + blocks_[latest_].duration();
    owner_ = latest_;
  }
  // An op queued before the GPU drained: the host is ahead again.
  void on_op(const GpuOp& op, TimeNs busy_until) {
    if (op.launch_end == kUnknownLaunch || op.launch_end < busy_until - kSyncReturnToleranceNs)
      owner_ = UINT32_MAX;
  }
  // Takes up to `gap` of the owner's budget; returns how much is host wait.
  TimeNs take(TimeNs gap, uint32_t* owner) {
    *owner = owner_;
    if (owner_ == UINT32_MAX) return 0;
    const TimeNs taken = std::min(gap, budget_);
    budget_ -= taken;
    blocks_[owner_].gpu_idle_after += taken;
    return taken;
  }

 private:
  std::vector<HostBlock>& blocks_;
  size_t next_ = 0;
  uint32_t latest_ = UINT32_MAX;  // started block with the latest end so far
  uint32_t owner_ = UINT32_MAX;
  TimeNs budget_ = 0;
};

void classify_gap(TimeNs start, TimeNs end, BubbleTracker& bubble, GpuTimeline& out) {
  uint32_t owner = UINT32_MAX;
  const TimeNs host_wait = bubble.take(end - start, &owner);
  if (host_wait > 0) out.idle.push_back({start, start + host_wait, IdleKind::kHostWait, owner});
  const TimeNs rest_start = start + host_wait;
  if (rest_start >= end) return;
  const IdleKind kind =
      end - rest_start <= kLaunchGapMaxNs ? IdleKind::kLaunchGap : IdleKind::kOther;
  out.idle.push_back({rest_start, end, kind, UINT32_MAX});
}

}  // namespace

GpuTimeline build_gpu_timeline(const Profile& profile, std::vector<HostBlock>& blocks) {
  GpuTimeline out;
  const std::vector<GpuOp> ops = gpu_ops(profile);
  if (ops.empty()) return out;
  BubbleTracker bubble(blocks);
  TimeInterval current{ops[0].start, ops[0].end};
  for (size_t i = 1; i < ops.size(); ++i) {
    const GpuOp& op = ops[i];
    if (op.start > current.end) {
      out.busy.push_back(current);
      bubble.on_gap(current.end);
      bubble.on_op(op, current.end);
      classify_gap(current.end, op.start, bubble, out);
      current = {op.start, op.end};
    } else {
      bubble.on_op(op, current.end);
      current.end = std::max(current.end, op.end);
    }
  }
  out.busy.push_back(current);
  return out;
}

}  // namespace perfadvise
