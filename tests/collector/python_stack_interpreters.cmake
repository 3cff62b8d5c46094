# Registers python_stack_test.py once per supported CPython found on this machine (3.11-3.13),
# each with direct reads and with PERFADVISE_PYSTACK_SAFE_READS=1. Interpreters come from
# PERFADVISE_TEST_PYTHONS (a ;-list), else pyenv's versions folder, else python3.1x on PATH;
# each is asked for its version so a pyenv shim that cannot run is not registered.
set(PERFADVISE_TEST_PYTHONS "" CACHE STRING "CPython interpreters for the python_stack tests")
set(_pa_candidates ${PERFADVISE_TEST_PYTHONS})
if(NOT _pa_candidates)
  set(_pa_pyenv "$ENV{PYENV_ROOT}")
  if(NOT _pa_pyenv)
    set(_pa_pyenv "$ENV{HOME}/.pyenv")
  endif()
  foreach(minor 11 12 13)
    file(GLOB _pa_found "${_pa_pyenv}/versions/3.${minor}.*/bin/python3.${minor}")
    list(SORT _pa_found)
    if(_pa_found)
      list(GET _pa_found -1 _pa_found)
    else()
      find_program(_pa_found NAMES python3.${minor} NO_CACHE)
    endif()
    if(_pa_found)
      list(APPEND _pa_candidates ${_pa_found})
    endif()
  endforeach()
endif()

set(_pa_script ${CMAKE_CURRENT_SOURCE_DIR}/python_stack_test.py)
set(_pa_registered "")
foreach(python IN LISTS _pa_candidates)
  execute_process(COMMAND ${python} -c "import sys; print('%d.%d' % sys.version_info[:2])"
    OUTPUT_VARIABLE _pa_version OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _pa_rc
    ERROR_QUIET)
  if(NOT _pa_rc EQUAL 0 OR NOT _pa_version MATCHES "^3\\.1[123]$" OR _pa_version IN_LIST _pa_registered)
    continue()
  endif()
  list(APPEND _pa_registered ${_pa_version})
  foreach(reads direct checked)
    set(name python_stack_py${_pa_version}_${reads})
    add_test(NAME ${name} COMMAND ${python} ${_pa_script} $<TARGET_FILE:python_stack_test_helper>)
    if(reads STREQUAL "checked")
      set_tests_properties(${name} PROPERTIES ENVIRONMENT PERFADVISE_PYSTACK_SAFE_READS=1)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 300)
  endforeach()
endforeach()

if(NOT _pa_registered)
  message(WARNING "perfadvise: no CPython 3.11-3.13 found; the python_stack test will skip")
  add_test(NAME python_stack_no_python COMMAND ${CMAKE_COMMAND} -E echo
    "SKIP: no CPython 3.11-3.13 found for the python_stack tests (set PERFADVISE_TEST_PYTHONS)")
  set_tests_properties(python_stack_no_python PROPERTIES LABELS unit
    SKIP_REGULAR_EXPRESSION "SKIP:")
else()
  message(STATUS "perfadvise: python_stack tests run under CPython ${_pa_registered}")
endif()
