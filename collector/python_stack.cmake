# GIL-free Python stack capture (docs/python-attribution.md). Included by collector/CMakeLists.txt
# and, when the collector is not built (no CUDA toolkit), by tests/collector/CMakeLists.txt.
# Static, PIC and hidden so it can live inside the injected collector without exporting symbols;
# depends on libc/libdl and the C++ standard library only (no libpython: symbols come from dlsym).
set(PERFADVISE_PYTHON_STACK_DIR ${CMAKE_CURRENT_LIST_DIR})
add_library(perfadvise_python_stack STATIC
  ${PERFADVISE_PYTHON_STACK_DIR}/python_stack.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_runtime.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_offsets.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_objects.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_memory.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_linetable.cpp
  ${PERFADVISE_PYTHON_STACK_DIR}/python_frame_cache.cpp)
set_target_properties(perfadvise_python_stack PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON)
target_include_directories(perfadvise_python_stack PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(perfadvise_python_stack PUBLIC ${CMAKE_DL_LIBS} PRIVATE perfadvise_warnings)
