#include "collector/writer_thread.h"

#include <cstring>
#include <string>
#include <vector>

#include "collector/decoder.h"
#include "collector/log.h"
#include "collector/native_op.h"
#include "profile/writer.h"

namespace perfadvise::collector {

struct WriterThread::State {
  std::unique_ptr<ProfileWriter> writer;
  std::unique_ptr<RecordDecoder> decoder;
  NativeOpNamer namer;
  CollectorStats stats;
};

namespace {

GemmCall gemm_row(ProfileWriter& w, const GemmCapture& c) {
  GemmCall g;
  g.m = c.m, g.n = c.n, g.k = c.k, g.batch = c.batch;
  g.lda = c.lda, g.ldb = c.ldb, g.ldc = c.ldc;
  g.api = w.intern(std::string(c.api, strnlen(c.api, sizeof c.api)));
  g.trans_a = uint8_t(c.trans_a), g.trans_b = uint8_t(c.trans_b);
  g.a_type = uint16_t(c.a_type), g.b_type = uint16_t(c.b_type), g.c_type = uint16_t(c.c_type);
  // cublasComputeType_t; the legacy typed calls (cublasSgemm, ...) imply it from the types.
  g.compute_type = c.compute_type >= 0 ? uint16_t(c.compute_type) : GemmCall::kComputeImplied;
  g.thread_id = c.thread_id;
  g.start = c.start_ns, g.end = c.end_ns;
  return g;
}

}  // namespace

WriterThread::WriterThread(WriterConfig config, BufferPool& pool)
    : config_(std::move(config)), pool_(pool), state_(std::make_unique<State>()) {}

WriterThread::~WriterThread() {
  if (thread_.joinable()) thread_.detach();  // stop() decides whether joining is safe
}

bool WriterThread::start() noexcept {
  try {
    thread_ = std::thread([this] { run(); });
    return true;
  } catch (...) {
    log_line("cannot start the writer thread; nothing will be recorded");
    std::lock_guard<std::mutex> lock(mutex_);
    healthy_ = false;
    return false;
  }
}

bool WriterThread::enqueue(WorkItem& item) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && finished_) {
      ++items_after_stop_;
      if (auto* buffer = std::get_if<CompletedBuffer>(&item)) {
        pool_.give_back(buffer->data, buffer->valid_bytes);
      }
      return false;
    }
    queue_.push_back(std::move(item));
    return true;
  } catch (...) {
    // Out of memory while queueing: the item is lost; never let it reach CUDA's caller.
    return false;
  }
}

void WriterThread::push(WorkItem item) noexcept {
  if (enqueue(item)) wake_.notify_one();
}

void WriterThread::push_quiet(WorkItem item) noexcept {
  enqueue(item);
}

bool WriterThread::stop(std::chrono::milliseconds timeout) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
  if (!thread_.joinable()) return false;
  if (!finished_cv_.wait_for(lock, timeout, [this] { return finished_; })) {
    lock.unlock();
    log_line("the writer did not finish in time; the profile may lack its last second");
    thread_.detach();
    return false;
  }
  lock.unlock();
  thread_.join();
  return true;
}

uint64_t WriterThread::records_written() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_written_;
}

bool WriterThread::healthy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return healthy_;
}

void WriterThread::run() noexcept {
  try {
    auto created = ProfileWriter::create(config_.path, config_.provenance);
    if (!created.ok()) {
      log_line("cannot create the profile: " + created.error().message);
      std::lock_guard<std::mutex> lock(mutex_);
      healthy_ = false;
    } else {
      state_->writer = std::move(created).value();
      state_->decoder = std::make_unique<RecordDecoder>(*state_->writer);
      for (const auto& [key, value] : config_.meta)
        state_->writer->set_meta(key, value);
    }
    auto last_commit = std::chrono::steady_clock::now();
    for (;;) {
      std::deque<WorkItem> items;
      bool stopping = false;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, config_.commit_interval,
                       [this] { return stopping_ || !queue_.empty(); });
        items.swap(queue_);
        stopping = stopping_;
      }
      process(items);
      const auto now = std::chrono::steady_clock::now();
      if (stopping) break;
      if (now - last_commit >= config_.commit_interval) {
        commit(false);
        last_commit = now;
      }
    }
    {
      std::deque<WorkItem> rest;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        rest.swap(queue_);
      }
      process(rest);
    }
    commit(true);
  } catch (const std::exception& e) {
    log_line(std::string("writer thread failed: ") + e.what());
  } catch (...) {
    log_line("writer thread failed");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  finished_cv_.notify_all();
}

void WriterThread::process(std::deque<WorkItem>& items) {
  State& s = *state_;
  for (WorkItem& item : items) {
    if (auto* buffer = std::get_if<CompletedBuffer>(&item)) {
      if (s.decoder) s.decoder->decode_buffer(buffer->data, buffer->valid_bytes);
      s.stats.dropped_records += buffer->dropped_records;
      ++s.stats.buffers_completed;
      pool_.give_back(buffer->data, buffer->valid_bytes);
    } else if (auto* alias = std::get_if<CorrelationAlias>(&item)) {
      if (s.decoder) s.decoder->add_correlation_alias(alias->from, alias->to);
    } else if (auto* off = std::get_if<OffWindow>(&item)) {
      if (!s.writer) continue;
      NvtxEvent range;
      range.start = off->start_ns;
      range.end = off->end_ns;
      range.name = s.writer->intern(std::string(
          off->kind == OffWindow::kLaunchDetail ? kLaunchDetailOffRange : kRecordingPausedRange));
      range.domain = s.writer->intern(std::string(kPerfadviseNvtxDomain));
      s.writer->add(range);
    } else if (auto* gemm = std::get_if<GemmCapture>(&item)) {
      if (s.writer) s.writer->add(gemm_row(*s.writer, *gemm));
    } else if (auto* capture = std::get_if<SyncCapture>(&item)) {
      if (!s.writer) continue;
      ProfileWriter& w = *s.writer;
      std::vector<uint32_t> frame_ids;
      frame_ids.reserve(capture->frames.size());
      for (const CapturedFrame& f : capture->frames) {
        frame_ids.push_back(w.intern_frame(Frame{w.intern(f.file), w.intern(f.function), f.line}));
      }
      CallSite site;
      site.correlation_id = capture->correlation_id;
      site.thread_id = capture->thread_id;
      site.time = capture->time_ns;
      site.stack = w.intern_stack(frame_ids);
      if (capture->user_frame >= 0 && size_t(capture->user_frame) < frame_ids.size()) {
        site.user_frame = frame_ids[size_t(capture->user_frame)];
      }
      if (frame_ids.empty() && !capture->native_pcs.empty()) {
        site.op = w.intern(s.namer.name(capture->native_pcs));
      }
      w.add(site);
    }
  }
}

void WriterThread::commit(bool final_commit) {
  State& s = *state_;
  if (!s.writer) return;
  if (s.decoder) s.stats.zero_timestamp_records = s.decoder->zero_timestamp_records();
  s.writer->set_stats(s.stats);
  const uint64_t rows = s.writer->pending_rows();
  Result<void> written = final_commit ? s.writer->close() : s.writer->commit();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!written.ok()) {
    if (healthy_) log_line("cannot write the profile: " + written.error().message);
    healthy_ = false;
    return;
  }
  records_written_ += rows;
}

}  // namespace perfadvise::collector
