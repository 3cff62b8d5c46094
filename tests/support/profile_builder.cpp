#include "tests/support/profile_builder.h"

#include <unordered_map>

#include "profile/writer.h"

namespace perfadvise::testing {

ProfileBuilder::ProfileBuilder() {
  Provenance& p = profile_.provenance;
  p.schema_version = 1;
  p.tool_version = "test";
  p.cupti_version = "130001";
  p.driver_version = "580.159.04";
  p.hostname = "synthetic";
  p.command = "python synthetic.py";
  p.pid = 4242;
  p.complete = true;
  profile_.devices.push_back(
      Device{0, "NVIDIA H100 80GB HBM3", 132, 80ull << 30, 9, 0, 3.35e12, 989.4e12, 66.9e12});
}

StringId ProfileBuilder::intern(const std::string& text) {
  if (text.empty()) return 0;
  StringId found = profile_.strings.find(text);
  return found ? found : profile_.strings.add(text);
}

uint32_t ProfileBuilder::api(const std::string& name, TimeNs start, TimeNs end, uint32_t cbid) {
  uint32_t correlation = next_correlation_++;
  ApiCall call;
  call.start = start;
  call.end = end;
  call.correlation_id = correlation;
  call.thread_id = kMainThread;
  call.cbid = cbid;
  call.name = intern(name);
  profile_.api_calls.push_back(call);
  return correlation;
}

uint32_t ProfileBuilder::launch(const std::string& name, TimeNs api_start, TimeNs kernel_start,
                                TimeNs duration, const KernelShape& shape, uint32_t stream) {
  uint32_t correlation = api("cudaLaunchKernel", api_start, api_start + 2000, 211);
  Kernel k;
  k.start = kernel_start;
  k.end = kernel_start + duration;
  k.name = intern(name);
  k.correlation_id = correlation;
  k.stream = stream;
  k.grid_x = shape.grid_x, k.grid_y = shape.grid_y, k.grid_z = shape.grid_z;
  k.block_x = shape.block_x, k.block_y = shape.block_y, k.block_z = shape.block_z;
  k.registers_per_thread = shape.registers_per_thread;
  profile_.kernels.push_back(k);
  return correlation;
}

uint32_t ProfileBuilder::copy(MemcpyKind kind, uint64_t bytes, TimeNs api_start, TimeNs api_end,
                              TimeNs copy_start, TimeNs copy_end, MemoryKind host_kind,
                              uint32_t stream) {
  uint32_t correlation = api("cudaMemcpyAsync", api_start, api_end, 41);
  Memcpy m;
  m.start = copy_start;
  m.end = copy_end;
  m.bytes = bytes;
  m.correlation_id = correlation;
  m.stream = stream;
  m.kind = kind;
  m.src_kind = kind == MemcpyKind::kHtoD ? host_kind : MemoryKind::kDevice;
  m.dst_kind = kind == MemcpyKind::kDtoH ? host_kind : MemoryKind::kDevice;
  m.async = true;
  profile_.memcpys.push_back(m);
  return correlation;
}

uint32_t ProfileBuilder::sync(SyncType type, TimeNs start, TimeNs end, const std::string& name,
                              uint32_t stream) {
  uint32_t correlation = api(name, start, end, 131);
  Sync s;
  s.start = start;
  s.end = end;
  s.correlation_id = correlation;
  s.stream = type == SyncType::kStreamSynchronize ? stream : 0;
  s.type = type;
  profile_.syncs.push_back(s);
  return correlation;
}

void ProfileBuilder::memset(uint64_t bytes, TimeNs start, TimeNs end, uint32_t stream) {
  uint32_t correlation = api("cudaMemsetAsync", start - 1000, start - 500, 51);
  Memset m;
  m.start = start;
  m.end = end;
  m.bytes = bytes;
  m.correlation_id = correlation;
  m.stream = stream;
  m.memory_kind = MemoryKind::kDevice;
  m.async = true;
  profile_.memsets.push_back(m);
}

void ProfileBuilder::nvtx_range(const std::string& name, TimeNs start, TimeNs end,
                                uint32_t thread) {
  profile_.nvtx.push_back(NvtxEvent{start, end, intern(name), 0, thread, NvtxKind::kRange});
}

void ProfileBuilder::collector_range(std::string_view name, TimeNs start, TimeNs end) {
  profile_.nvtx.push_back(NvtxEvent{start, end, intern(std::string(name)),
                                    intern(std::string(kPerfadviseNvtxDomain)), 0,
                                    NvtxKind::kRange});
}

void ProfileBuilder::call_site(uint32_t correlation_id, const std::vector<PyFrame>& frames,
                               int user_frame, const std::string& op) {
  // Stack nodes: outermost frame first, each node's parent is its caller.
  uint32_t parent = 0;
  uint32_t user_frame_id = 0;
  for (int i = static_cast<int>(frames.size()) - 1; i >= 0; --i) {
    const PyFrame& f = frames[i];
    profile_.frames.push_back(Frame{intern(f.file), intern(f.function), f.line});
    uint32_t frame_id = static_cast<uint32_t>(profile_.frames.size());
    if (i == user_frame) user_frame_id = frame_id;
    profile_.stack_nodes.push_back(StackNode{parent, frame_id});
    parent = static_cast<uint32_t>(profile_.stack_nodes.size());
  }
  TimeNs time = 0;
  for (const ApiCall& call : profile_.api_calls) {
    if (call.correlation_id == correlation_id) time = call.start;
  }
  profile_.call_sites.push_back(
      CallSite{correlation_id, kMainThread, time, parent, user_frame_id, intern(op)});
}

void ProfileBuilder::gemm(uint32_t correlation_id, int64_t m, int64_t n, int64_t k,
                          uint16_t data_type, uint16_t compute_type, int64_t batch) {
  GemmCall g;
  g.correlation_id = correlation_id;
  g.m = m, g.n = n, g.k = k, g.batch = batch;
  g.lda = m, g.ldb = k, g.ldc = m;
  g.api = intern("cublasGemmEx");
  g.a_type = g.b_type = g.c_type = data_type;
  g.compute_type = compute_type;
  profile_.gemms.push_back(g);
}

uint32_t ProfileBuilder::gemm_call(TimeNs start, TimeNs end, int64_t m, int64_t n, int64_t k,
                                   uint16_t data_type, const std::string& api, uint32_t thread) {
  gemm(0, m, n, k, data_type, 0);
  GemmCall& g = profile_.gemms.back();
  g.api = intern(api);
  g.thread_id = thread, g.start = start, g.end = end;
  return uint32_t(profile_.gemms.size() - 1);
}

Profile ProfileBuilder::build() const {
  Profile copy = profile_;
  copy.build_indexes();
  return copy;
}

namespace {

// Re-interns every StringId of the in-memory profile through the writer.
template <typename Row, typename Remap>
void add_rows(ProfileWriter& writer, const std::vector<Row>& rows, Remap remap) {
  for (Row row : rows) {
    remap(row);
    writer.add(row);
  }
}

}  // namespace

Result<void> ProfileBuilder::write(const std::string& path) const {
  PA_ASSIGN_OR_RETURN(auto writer, ProfileWriter::create(path, profile_.provenance));
  const StringTable& strings = profile_.strings;
  auto id = [&](StringId old) { return writer->intern(strings[old]); };
  for (const Device& d : profile_.devices)
    writer->add(d);
  add_rows(*writer, profile_.kernels, [&](Kernel& k) { k.name = id(k.name); });
  add_rows(*writer, profile_.memcpys, [](Memcpy&) {});
  add_rows(*writer, profile_.memsets, [](Memset&) {});
  add_rows(*writer, profile_.syncs, [](Sync&) {});
  add_rows(*writer, profile_.api_calls, [&](ApiCall& a) { a.name = id(a.name); });
  add_rows(*writer, profile_.nvtx, [&](NvtxEvent& n) {
    n.name = id(n.name);
    n.domain = id(n.domain);
  });
  add_rows(*writer, profile_.overheads, [](Overhead&) {});
  add_rows(*writer, profile_.gemms, [&](GemmCall& g) { g.api = id(g.api); });
  // Frames and stacks are re-interned so the file exercises the writer's deduplication.
  std::vector<uint32_t> frame_ids;
  for (const Frame& f : profile_.frames) {
    frame_ids.push_back(writer->intern_frame(Frame{id(f.file), id(f.function), f.line}));
  }
  for (CallSite site : profile_.call_sites) {
    std::vector<uint32_t> stack;
    for (uint32_t node = site.stack; node != 0; node = profile_.stack_nodes[node - 1].parent) {
      stack.push_back(frame_ids[profile_.stack_nodes[node - 1].frame - 1]);
    }
    site.stack = writer->intern_stack(stack);
    site.user_frame = site.user_frame ? frame_ids[site.user_frame - 1] : 0;
    site.op = id(site.op);
    writer->add(site);
  }
  writer->set_stats(profile_.stats);
  return writer->close();
}

}  // namespace perfadvise::testing
