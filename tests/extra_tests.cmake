# extra_tests.cmake: tests that are not Criterion programs (included by tests/CMakeLists.txt).

# The command line on bad input (missing or wrong scenario files, bad output
# locations, bad options) and one good run; see cli_bad_input.sh.
find_program(ODT_BASH bash)
if(ODT_BASH)
  add_test(NAME cli_bad_input COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli_bad_input.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(cli_bad_input PROPERTIES TIMEOUT 120)
  # every sub-command's --help, odtwin version, the run summary as text, JSON and none; see cli_help.sh
  add_test(NAME cli_help COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli_help.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(cli_help PROPERTIES TIMEOUT 120)
else()
  message(STATUS "odtwin: bash not found: the cli_bad_input test is not registered")
endif()

# The snapshot in netCDF tools and xarray (both engines); needs the Python packages
# that scripts/test.sh installs from tests/requirements.txt.
if(ODT_BASH)
  add_test(NAME netcdf_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/netcdf_check.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(netcdf_check PROPERTIES TIMEOUT 300)
endif()

# odtwin export read back by a third-party OEM reader (the PyPI oem package), json and csv, every
# state and cell against the snapshot read with h5py; bad input refused with one line and no
# output (export_check.sh; exit 77: python3, h5py, numpy or oem missing).
if(ODT_BASH)
  add_test(NAME export_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/export_check.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(export_check PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# The plotting tool on a small run: every figure exists and is not blank (exit 77: no python3).
if(ODT_BASH)
  add_test(NAME plot_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/plot_check.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(plot_check PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

# Kills at random moments and a full disk: every completed record recoverable, resume bitwise (fault_check.sh).
if(ODT_BASH)
  add_test(NAME fault_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/fault_check.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(fault_check PROPERTIES TIMEOUT 900)
endif()

# The command line on input that is no input, damaged or hostile (issue 13): FIFOs,
# devices, oversized files, invalid UTF-8, refused YAML, unrunnable numbers; see cli_input.sh.
if(ODT_BASH)
  add_test(NAME cli_input COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli_input.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(cli_input PROPERTIES TIMEOUT 300)
endif()

# Bounded mutation test of the input readers (fuzz_input.py): a fixed seed, mutants of a
# walker scenario and of a catalogue scenario (TLE, and OMM XML/JSON/KVN/CSV), each run
# under a timeout; exit 0 or 1, one error line naming file and line, no output left, no
# sanitizer report. 200 mutants of each in the Release build (~10 s on 2 cores) and in the
# sanitizer build as well (~15 s there); ODT_FUZZ_COUNT scales it (at least 100 is meant to run).
find_program(ODT_PYTHON3 python3)
if(ODT_PYTHON3)
  add_test(NAME fuzz_input COMMAND ${ODT_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_input.py $<TARGET_FILE:odtwin>)
  if(ODT_SANITIZE)
    set_tests_properties(fuzz_input PROPERTIES TIMEOUT 900 ENVIRONMENT "ODT_FUZZ_COUNT=200;ODT_FUZZ_TIMEOUT=60")
  else()
    set_tests_properties(fuzz_input PROPERTIES TIMEOUT 300 ENVIRONMENT "ODT_FUZZ_COUNT=200;ODT_FUZZ_TIMEOUT=20")
  endif()
else()
  message(STATUS "odtwin: python3 not found: the fuzz_input test is not registered")
endif()

# Files damaged after the fact (NaN time, absurd row counts, h5py-rewritten attributes, deleted datasets):
# odtwin copes or refuses with one line and changes nothing (damaged_check.sh).
if(ODT_BASH)
  add_test(NAME damaged_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/damaged_check.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(damaged_check PROPERTIES TIMEOUT 300)
endif()

# The worked analysis of docs/analysis.md: its python blocks run on a short run of three fleet
# entries and their figures compared with odtwin report --json (analysis_example.py; 77: no h5py/numpy).
if(ODT_PYTHON3)
  add_test(NAME analysis_check COMMAND ${ODT_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analysis_example.py $<TARGET_FILE:odtwin>)
  set_tests_properties(analysis_check PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
elseif(ODT_BASH)
  add_test(NAME analysis_check COMMAND ${ODT_BASH} -c "echo 'SKIP: python3 not found'; exit 77")
  set_tests_properties(analysis_check PROPERTIES SKIP_RETURN_CODE 77)
endif()
