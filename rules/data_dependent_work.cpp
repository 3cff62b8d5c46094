#include "rules/data_dependent_work.h"

#include <algorithm>

namespace perfadvise {
namespace {

enum class Role : uint8_t { kGlue, kPattern, kBarrier };

// sort/select and index/gather/scatter are the pattern's own kernels; light kernels may sit
// between them (index arithmetic, masks, contiguous copies); anything else is model compute,
// which a data-dependent op never launches.
Role role_of(KernelCategory category) {
  switch (category) {
    case KernelCategory::kSort:
    case KernelCategory::kIndex:
      return Role::kPattern;
    case KernelCategory::kElementwise:
    case KernelCategory::kReduction:
    case KernelCategory::kCopy:
    case KernelCategory::kUnknown:
      return Role::kGlue;
    default:
      return Role::kBarrier;
  }
}

struct Launch {
  TimeNs time = 0;    // when the host launched it
  TimeNs gpu_ns = 0;  // GPU time of the kernels it launched
  Role role = Role::kGlue;
  bool radix_sort = false;
};

// The kernels one launch call started (a graph launch can start many), as one Launch.
bool launch_of(const RuleContext& c, const ApiCall& call, Launch& out) {
  const Profile& p = c.profile();
  auto [first, last] = p.kernel_by_correlation.equal_range(call.correlation_id);
  if (first == last) return false;
  out = {call.start, 0, Role::kGlue};
  for (auto it = first; it != last; ++it) {
    const Kernel& k = p.kernels[it->second];
    out.gpu_ns += k.end - k.start;
    const KernelClass& kc = c.kernel_class(k);
    const Role role = role_of(kc.category);
    if (role > out.role) out.role = role;
    out.radix_sort |= kc.category == KernelCategory::kSort && kc.detail == "radix sort";
  }
  return true;
}

TimeNs distance(TimeNs t, const HostBlock& b) {
  if (t < b.start) return b.start - t;
  return t > b.end ? t - b.end : 0;
}

// One thread's walk: runs of launches between model-compute kernels, and the claims (sorted by
// block start) that fall in each run.
class ThreadWalk {
 public:
  ThreadWalk(const RuleContext& c, const std::vector<WorkClaim>& claims, std::vector<uint32_t> mine,
             std::vector<TimeNs>& out)
      : c_(c), claims_(claims), mine_(std::move(mine)), out_(out) {}

  void add(const Launch& launch) {
    if (launch.role != Role::kBarrier) {
      run_.push_back(launch);
      return;
    }
    flush(launch.time);
    run_.clear();
    run_start_ = launch.time;
  }
  void finish() { flush(INT64_MAX); }

 private:
  const HostBlock& block(uint32_t claim) const { return c_.host_blocks()[claims_[claim].block]; }

  // The claims whose block starts in (run_start_, run_end), and that qualify.
  std::vector<uint32_t> claims_in_run(TimeNs run_end) {
    std::vector<uint32_t> out;
    for (; next_ < mine_.size() && block(mine_[next_]).start < run_end; ++next_) {
      const uint32_t claim = mine_[next_];
      if (block(claim).start <= run_start_) continue;
      if (!claims_[claim].needs_compaction_after || compacts_after(block(claim))) {
        out.push_back(claim);
      }
    }
    return out;
  }

  bool compacts_after(const HostBlock& b) const {
    for (const Launch& l : run_) {
      if (l.time >= b.end) return l.role == Role::kPattern;
    }
    return false;
  }

  void flush(TimeNs run_end) {
    const std::vector<uint32_t> here = claims_in_run(run_end);
    if (here.empty()) return;
    auto is_pattern = [](const Launch& l) { return l.role == Role::kPattern; };
    const auto first = std::find_if(run_.begin(), run_.end(), is_pattern);
    if (first == run_.end()) return;
    const auto last = std::find_if(run_.rbegin(), run_.rend(), is_pattern).base();
    size_t nearest = 0;  // launches and claims are both in time order
    for (auto it = first; it != last; ++it) {
      while (nearest + 1 < here.size() && distance(it->time, block(here[nearest + 1])) <=
                                              distance(it->time, block(here[nearest])))
        ++nearest;
      if (!(it->radix_sort && claims_[here[nearest]].fix_keeps_sort))
        out_[here[nearest]] += it->gpu_ns;
    }
  }

  const RuleContext& c_;
  const std::vector<WorkClaim>& claims_;
  std::vector<uint32_t> mine_;  // indexes into claims_, by block start
  std::vector<TimeNs>& out_;
  std::vector<Launch> run_;
  TimeNs run_start_ = INT64_MIN;
  size_t next_ = 0;
};

const CpuTrack* track_of(const Profile& p, uint32_t thread_id) {
  auto it = std::lower_bound(p.cpu_tracks.begin(), p.cpu_tracks.end(), thread_id,
                             [](const CpuTrack& t, uint32_t id) { return t.thread_id < id; });
  return it != p.cpu_tracks.end() && it->thread_id == thread_id ? &*it : nullptr;
}

// The launch the track's call at `pos` made, if it launched kernels.
bool launch_at(const RuleContext& c, const CpuTrack& track, size_t pos, Launch& out) {
  const ApiCall& call = c.profile().api_calls[track.api_calls[pos]];
  const ApiKind kind = c.api_kind(call);
  return (kind == ApiKind::kKernelLaunch || kind == ApiKind::kGraphLaunch) &&
         launch_of(c, call, out);
}

// Positions [first, last) of the track around `t` up to and including the model-compute
// launches on either side: the run `t` falls in, with its bounds. Only these are walked, not
// the whole track (a profile of a million launches has a few syncs).
std::pair<size_t, size_t> run_around(const RuleContext& c, const CpuTrack& track, TimeNs t) {
  const std::vector<ApiCall>& calls = c.profile().api_calls;
  const size_t n = track.api_calls.size();
  const size_t pos =
      size_t(std::lower_bound(track.api_calls.begin(), track.api_calls.end(), t,
                              [&](uint32_t api, TimeNs time) { return calls[api].start < time; }) -
             track.api_calls.begin());
  Launch l;
  size_t first = pos;
  while (first > 0) {
    --first;
    if (launch_at(c, track, first, l) && l.role == Role::kBarrier) break;
  }
  size_t last = pos;
  while (last < n) {
    const bool barrier = launch_at(c, track, last, l) && l.role == Role::kBarrier;
    ++last;
    if (barrier) break;
  }
  return {first, last};
}

void walk_thread(const RuleContext& c, const CpuTrack& track, const std::vector<WorkClaim>& claims,
                 std::vector<uint32_t> mine, std::vector<TimeNs>& out) {
  const std::vector<HostBlock>& blocks = c.host_blocks();
  std::vector<std::pair<size_t, size_t>> ranges;  // merged, in track order
  for (uint32_t claim : mine) {
    const auto [first, last] = run_around(c, track, blocks[claims[claim].block].start);
    if (!ranges.empty() && first <= ranges.back().second) {
      ranges.back().second = std::max(ranges.back().second, last);
    } else {
      ranges.emplace_back(first, last);
    }
  }
  ThreadWalk walk(c, claims, std::move(mine), out);
  for (const auto& [first, last] : ranges) {
    for (size_t pos = first; pos < last; ++pos) {
      Launch launch;
      if (launch_at(c, track, pos, launch)) walk.add(launch);
    }
  }
  walk.finish();
}

}  // namespace

std::vector<TimeNs> data_dependent_work(const RuleContext& c,
                                        const std::vector<WorkClaim>& claims) {
  std::vector<TimeNs> out(claims.size(), 0);
  std::vector<uint32_t> order(claims.size());
  for (uint32_t i = 0; i < order.size(); ++i)
    order[i] = i;
  const std::vector<HostBlock>& blocks = c.host_blocks();
  auto key = [&](uint32_t i) {
    const HostBlock& b = blocks[claims[i].block];
    return std::pair(b.thread_id, b.start);
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  for (size_t i = 0; i < order.size();) {
    const uint32_t thread = blocks[claims[order[i]].block].thread_id;
    size_t j = i;
    while (j < order.size() && blocks[claims[order[j]].block].thread_id == thread)
      ++j;
    if (const CpuTrack* track = track_of(c.profile(), thread)) {
      walk_thread(c, *track, claims, {order.begin() + i, order.begin() + j}, out);
    }
    i = j;
  }
  return out;
}

}  // namespace perfadvise
