// The collector's only SQLite user. It owns the ProfileWriter and the record decoder, takes
// work from a queue that application threads and CUPTI fill, and commits a small transaction
// about once a second so that a killed process keeps all but its last second.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "collector/buffer_pool.h"
#include "collector/work_item.h"
#include "profile/model.h"

namespace perfadvise::collector {

struct WriterConfig {
  std::string path;
  Provenance provenance;
  std::map<std::string, std::string> meta;  // extra meta rows written with the first commit
  std::chrono::milliseconds commit_interval{1000};
};

class WriterThread {
 public:
  WriterThread(WriterConfig config, BufferPool& pool);
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  /// Starts the thread, which creates the profile file. False if the thread could not start.
  bool start() noexcept;
  /// Enqueues work; never blocks on SQLite. Work that arrives after the close is lost.
  void push(WorkItem item) noexcept;
  /// Enqueues without waking the thread: for frequent small items (GEMM records) that can
  /// wait for the next wake-up (every completed buffer, and at least once a commit interval).
  void push_quiet(WorkItem item) noexcept;
  /// Processes everything queued, closes the profile and ends the thread. Waits at most
  /// `timeout`; returns false (and leaves the thread running, detached) if it did not finish.
  bool stop(std::chrono::milliseconds timeout) noexcept;

  /// Rows the writer has stored so far (for tests and the exit summary).
  uint64_t records_written() const;
  /// False when the profile could not be created or written; the reason went to stderr.
  bool healthy() const;

 private:
  void run() noexcept;
  void process(std::deque<WorkItem>& items);
  void commit(bool final_commit);
  bool enqueue(WorkItem& item) noexcept;

  struct State;
  WriterConfig config_;
  BufferPool& pool_;
  std::unique_ptr<State> state_;  // owned by the writer thread once started

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_cv_;
  std::deque<WorkItem> queue_;
  bool stopping_ = false;
  bool finished_ = false;
  bool healthy_ = true;
  uint64_t records_written_ = 0;
  uint64_t items_after_stop_ = 0;  // arrived after the profile was closed: lost
  std::thread thread_;
};

}  // namespace perfadvise::collector
