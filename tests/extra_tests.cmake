# extra_tests.cmake: tests that are not Criterion programs (included by tests/CMakeLists.txt).

# The command line on bad input (missing or wrong scenario files, bad output
# locations, bad options) and one good run; see cli_bad_input.sh.
find_program(ODT_BASH bash)
if(ODT_BASH)
  add_test(NAME cli_bad_input COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli_bad_input.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(cli_bad_input PROPERTIES TIMEOUT 120)
else()
  message(STATUS "odtwin: bash not found: the cli_bad_input test is not registered")
endif()

# The snapshot in netCDF tools and xarray (both engines); needs the Python packages
# that scripts/test.sh installs from tests/requirements.txt.
if(ODT_BASH)
  add_test(NAME netcdf_check COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/netcdf_check.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(netcdf_check PROPERTIES TIMEOUT 300)
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
