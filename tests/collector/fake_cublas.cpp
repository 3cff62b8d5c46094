// A stand-in for libcublas/libcublasLt in the interposer test: the same entry points, no GPU.
// Each call counts itself; cublasGemmEx calls cublasLtMatmul through the PLT, as the real
// library may, so the test can check that only the outermost call is recorded.
#include <cublasLt.h>
#include <cublas_v2.h>

#include <cstring>

extern "C" {

__attribute__((visibility("default"))) int fake_cublas_calls = 0;

// Layout convention of this fake: data[0] type, data[1] rows, data[2] cols, data[3] ld,
// data[4] batch. Desc: data[0] compute type, data[1] transa, data[2] transb.
cublasStatus_t cublasLtMatrixLayoutGetAttribute(cublasLtMatrixLayout_t layout,
                                                cublasLtMatrixLayoutAttribute_t attr, void* buf,
                                                size_t size, size_t* written) {
  const int slot = attr == CUBLASLT_MATRIX_LAYOUT_TYPE          ? 0
                   : attr == CUBLASLT_MATRIX_LAYOUT_ROWS        ? 1
                   : attr == CUBLASLT_MATRIX_LAYOUT_COLS        ? 2
                   : attr == CUBLASLT_MATRIX_LAYOUT_LD          ? 3
                   : attr == CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT ? 4
                                                                : -1;
  if (slot < 0 || layout == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  std::memcpy(buf, &layout->data[slot], size);  // little-endian: low bytes for 4-byte fields
  if (written != nullptr) *written = size;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatmulDescGetAttribute(cublasLtMatmulDesc_t desc,
                                              cublasLtMatmulDescAttributes_t attr, void* buf,
                                              size_t size, size_t* written) {
  const int slot = attr == CUBLASLT_MATMUL_DESC_COMPUTE_TYPE ? 0
                   : attr == CUBLASLT_MATMUL_DESC_TRANSA     ? 1
                   : attr == CUBLASLT_MATMUL_DESC_TRANSB     ? 2
                                                             : -1;
  if (slot < 0 || desc == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
  std::memcpy(buf, &desc->data[slot], size);
  if (written != nullptr) *written = size;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatmul(cublasLtHandle_t, cublasLtMatmulDesc_t, const void*, const void*,
                              cublasLtMatrixLayout_t, const void*, cublasLtMatrixLayout_t,
                              const void*, const void*, cublasLtMatrixLayout_t, void*,
                              cublasLtMatrixLayout_t, const cublasLtMatmulAlgo_t*, void*, size_t,
                              cudaStream_t) {
  ++fake_cublas_calls;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGemmEx(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                            const void*, const void*, cudaDataType, int, const void*, cudaDataType,
                            int, const void*, void*, cudaDataType, int, cublasComputeType_t,
                            cublasGemmAlgo_t) {
  ++fake_cublas_calls;
  // Like cuBLAS handing the work to cuBLASLt: an inner call the interposer must not record.
  cublasLtMatrixLayoutOpaque_t layout{};
  cublasLtMatmulDescOpaque_t desc{};
  return cublasLtMatmul(nullptr, &desc, nullptr, nullptr, &layout, nullptr, &layout, nullptr,
                        nullptr, &layout, nullptr, &layout, nullptr, nullptr, 0, nullptr);
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t, cublasOperation_t, cublasOperation_t, int,
                                         int, int, const float*, const float*, int, long long int,
                                         const float*, int, long long int, const float*, float*,
                                         int, long long int, int) {
  ++fake_cublas_calls;
  return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
