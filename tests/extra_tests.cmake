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

# The command line on input that is no input, damaged or hostile (issue 13): FIFOs,
# devices, oversized files, invalid UTF-8, refused YAML, unrunnable numbers; see cli_input.sh.
if(ODT_BASH)
  add_test(NAME cli_input COMMAND ${ODT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cli_input.sh $<TARGET_FILE:odtwin>)
  set_tests_properties(cli_input PROPERTIES TIMEOUT 300)
endif()
