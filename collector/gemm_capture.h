// The collector's half of GEMM capture: the hooks libperfadvise_gemm.so asks for
// (collector/gemm_hook.h). A recorded call becomes a GemmCapture on the writer's queue, which
// the writer stores as a `gemm` row; the analyzer links it to its kernels by thread and time.
#pragma once

namespace perfadvise::collector {

class WriterThread;

/// Where GEMM records go; nullptr (the default, and after fork) turns the hooks off.
void set_gemm_sink(WriterThread* writer) noexcept;

/// GEMM calls recorded so far (for tests).
unsigned long long gemm_records() noexcept;

}  // namespace perfadvise::collector
