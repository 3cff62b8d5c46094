// swin_bench: Swin-T inference and training ladders (reference_models/common/bench.h contract).
// --list prints the inference ladder, then the training ladder; the "ladder" field tells the
// runner where the second chain of speedups starts.
#include "swin/ladders.h"

int main(int argc, char** argv) {
  const refbench::Options options = refbench::parse_options(argc, argv);
  const auto inference = swin::inference_ladder();
  const auto training = swin::training_ladder();
  std::vector<refbench::VariantInfo> infos;
  for (const auto& v : inference)
    infos.push_back(v.info);
  for (const auto& v : training)
    infos.push_back(v.info);
  if (options.list) {
    refbench::print_variants(infos);
    return 0;
  }
  const std::string& name = refbench::find_variant(infos, options.variant).name;
  for (const auto& v : inference) {
    if (v.info.name == name) return swin::run_inference(v, options);
  }
  for (const auto& v : training) {
    if (v.info.name == name) return swin::run_training(v, options);
  }
  return 2;
}
