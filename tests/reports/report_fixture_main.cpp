// report_fixture OUT.html [STEPS KERNELS_PER_STEP]: writes the HTML report of the synthetic
// masked-loss fixture, for the browser test and for looking at the page by hand.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "reports/reporter.h"
#include "tests/reports/fixture.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: report_fixture OUT.html [STEPS KERNELS_PER_STEP]\n";
    return 2;
  }
  perfadvise::testing::FixtureShape shape;
  if (argc > 3) {
    shape.steps = std::atoi(argv[2]);
    shape.kernels_per_step = std::atoi(argv[3]);
  }
  auto fixture = perfadvise::testing::make_report_fixture(shape);
  perfadvise::ReportOptions options;
  options.input_path = "runs/masked_loss";
  std::ofstream out(argv[1], std::ios::binary);
  auto reporter = perfadvise::make_reporter("html");
  auto written = (*reporter)->write(fixture->analysis, options, out);
  if (!written.ok()) {
    std::cerr << written.error().message << "\n";
    return 1;
  }
  return 0;
}
