#include <vector>

#include "llm/decoder.h"

namespace llm {

namespace {

class AtenDecoder : public Decoder {
 public:
  AtenDecoder(const Config& cfg, const ModelWeights& w, AtenLoop loop, int64_t capacity)
      : cfg_(cfg),
        w_(w),
        loop_(loop),
        rope_(rope_table(cfg, capacity)),
        cache_(loop == AtenLoop::kGraph ? AtenKvCache::fixed(cfg, capacity, at::kBFloat16)
                                        : AtenKvCache::growing(cfg.n_layers)) {
    auto longs = at::device(at::kCUDA).dtype(at::kLong);
    token_ = at::zeros({1}, longs);
    pos_ = at::zeros({1}, longs);
    logits_ = at::zeros({cfg.vocab}, at::device(at::kCUDA).dtype(at::kFloat));
    if (loop_ == AtenLoop::kGraph) capture_step(graph_, [this] { decode_on_device(); });
  }

  void prefill(const at::Tensor& prompt) override {
    if (cache_.grows) cache_ = AtenKvCache::growing(cfg_.n_layers);
    auto positions = at::arange(prompt.size(0), prompt.options());
    auto logits = aten_forward(cfg_, w_, prompt, positions, rope_, cache_);
    logits_.copy_(logits[-1]);
    host_pos_ = prompt.size(0);
    pos_.fill_(host_pos_);
  }

  void set_token(const at::Tensor& token) override {
    token_.copy_(token);
    if (loop_ == AtenLoop::kHostSync) host_token_ = token.item<int64_t>();
  }

  void step() override {
    switch (loop_) {
      case AtenLoop::kHostSync:
        return decode_with_host_sync();
      case AtenLoop::kDeviceSide:
        return decode_on_device();
      case AtenLoop::kGraph:
        return graph_.replay();
    }
  }

  ModelWeights reference_weights() const override { return weights_as(w_, at::kFloat); }
  double weight_bytes_per_step() const override { return linear_weight_bytes(w_); }

 private:
  at::Tensor last_logits() const override { return logits_; }

  // As naive generation loops are written: the token and position tensors are built on the
  // host each token (synchronous copies to the device), and the sample is read back with
  // .item(), so the host waits for the GPU at every token.
  void decode_with_host_sync() {
    auto on_host = at::TensorOptions().dtype(at::kLong);
    auto tokens = at::tensor(std::vector<int64_t>{host_token_}, on_host).to(at::kCUDA);
    auto positions = at::tensor(std::vector<int64_t>{host_pos_}, on_host).to(at::kCUDA);
    auto logits = aten_forward(cfg_, w_, tokens, positions, rope_, cache_);
    logits_.copy_(logits[0]);
    host_token_ = logits.argmax(-1).item<int64_t>();
    ++host_pos_;
  }

  void decode_on_device() {
    auto logits = aten_forward(cfg_, w_, token_, pos_, rope_, cache_);
    logits_.copy_(logits[0]);
    token_.copy_(logits.argmax(-1));
    pos_.add_(1);
  }

  Config cfg_;
  ModelWeights w_;
  AtenLoop loop_;
  at::Tensor rope_;
  AtenKvCache cache_;
  at::Tensor token_, pos_, logits_;
  int64_t host_token_ = 0, host_pos_ = 0;
  at::cuda::CUDAGraph graph_;
};

}  // namespace

std::unique_ptr<Decoder> make_aten_decoder(const Config& cfg, const ModelWeights& w, AtenLoop loop,
                                           int64_t capacity) {
  return std::make_unique<AtenDecoder>(cfg, w, loop, capacity);
}

}  // namespace llm
