#!/usr/bin/env bash
# The main job on the bundled default: analyze a profile recorded on an H100 (the masked-loss
# training loop from samples/, before its fixes) and write the HTML report and Perfetto trace.
#   scripts/demo.sh [PROFILE]      (default: samples/masked_loss_baseline.sqlite)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-samples/masked_loss_baseline.sqlite}
scripts/setup.sh
cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DPERFADVISE_BUILD_TESTS=OFF >/dev/null
cmake --build build-demo --target perfadvise -j"$(nproc)"
mkdir -p demo-output
build-demo/cli/perfadvise analyze "$profile"
build-demo/cli/perfadvise report "$profile" -o demo-output/report.html
build-demo/cli/perfadvise export "$profile" --perfetto demo-output/trace.pftrace
echo "report: demo-output/report.html   trace: demo-output/trace.pftrace (open in ui.perfetto.dev)"
