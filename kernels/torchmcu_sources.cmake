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
