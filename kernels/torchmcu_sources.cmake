# The one list of torchmcu device sources, shared by the host build
# (kernels/host), the Zephyr module and tests: runner + ExecuTorch op
# adapters + the numeric core of the chosen backend.
function(torchmcu_collect_sources out_var backend)
  if(NOT backend STREQUAL "portable" AND NOT backend STREQUAL "cmsis_nn")
    message(FATAL_ERROR "torchmcu backend must be 'portable' or 'cmsis_nn', got '${backend}'")
  endif()
  set(root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  file(GLOB runner_sources CONFIGURE_DEPENDS "${root}/runner/*.cpp")
  file(GLOB op_sources CONFIGURE_DEPENDS "${root}/ops/*.cpp")
  file(GLOB common_sources CONFIGURE_DEPENDS "${root}/nn/common/*.c")
  # The CMSIS-NN backend keeps the portable kernels (renamed tmcu_portable_*) for
  # the calls CMSIS-NN cannot take; see kernels/nn/portable/portable.h.
  file(GLOB backend_sources CONFIGURE_DEPENDS "${root}/nn/portable/*.c")
  if(backend STREQUAL "cmsis_nn")
    file(GLOB cmsis_nn_sources CONFIGURE_DEPENDS "${root}/nn/cmsis_nn/*.c")
    list(APPEND backend_sources ${cmsis_nn_sources})
  endif()
  set(${out_var} ${runner_sources} ${op_sources} ${common_sources} ${backend_sources} PARENT_SCOPE)
endfunction()

# Compile definitions for the CMSIS-NN backend that describe the checkout at
# `checkout`: fixes newer releases carry and no header announces. Without them
# kernels/nn/cmsis_nn assumes the oldest supported release (zephyr-v7.0.0) and
# sends the affected shapes to the portable kernels (docs/kernels.md).
function(torchmcu_cmsis_nn_definitions out_var checkout)
  set(definitions "")
  set(transpose_conv "${checkout}/Source/ConvolutionFunctions/arm_transpose_conv_s8.c")
  if(EXISTS "${transpose_conv}")
    file(STRINGS "${transpose_conv}" row_flush REGEX "rows_to_flush")
    if(row_flush)
      list(APPEND definitions TORCHMCU_CMSIS_NN_TRANSPOSE_ROW_FLUSH_FIXED=1)
    endif()
  endif()
  set(${out_var} ${definitions} PARENT_SCOPE)
endfunction()

# Script mode, for the Python test builds that compile CMSIS-NN without CMake
# (tests/kernels/nn_lib.py):
#   cmake -DTORCHMCU_CMSIS_NN_CHECKOUT=<path> -P kernels/torchmcu_sources.cmake
# prints the definitions, one per line.
if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE AND DEFINED TORCHMCU_CMSIS_NN_CHECKOUT)
  torchmcu_cmsis_nn_definitions(definitions "${TORCHMCU_CMSIS_NN_CHECKOUT}")
  foreach(definition IN LISTS definitions)
    message(NOTICE "${definition}")
  endforeach()
endif()
