# The firmware's kernel selection (CONFIG_TORCHMCU_SELECTIVE_KERNELS): after the
# application's CMakeLists has added every model, one build step runs
# `python -m torchmcu.selection` on all their programs and writes
# torchmcu_kernel_selection.h, with which the torchmcu library registers and
# links only the kernels those programs call, and the CMSIS-NN-to-portable
# fallbacks their shapes reach (docs/flash.md). No model: every kernel.
# CONFIG_TORCHMCU_KERNEL_SELECTION names a fixed selection.json instead; then
# a program that needs a kernel outside it fails the build, naming the op.
# Included by torchmcu_add_model.cmake; does nothing outside Zephyr.
# SPDX-License-Identifier: Apache-2.0

include_guard(GLOBAL)

# Called by torchmcu_add_model(): `program` is the .pte, `built_by` the file and target that produce it.
function(_torchmcu_select_kernels_add program built_by_file built_by_target)
  set_property(GLOBAL APPEND PROPERTY TORCHMCU_SELECTION_PROGRAMS ${program})
  set_property(GLOBAL APPEND PROPERTY TORCHMCU_SELECTION_DEPENDS ${built_by_file})
  set_property(GLOBAL APPEND PROPERTY TORCHMCU_SELECTION_TARGETS ${built_by_target})
endfunction()

function(_torchmcu_select_kernels_generate)
  get_property(programs GLOBAL PROPERTY TORCHMCU_SELECTION_PROGRAMS)
  get_property(depends GLOBAL PROPERTY TORCHMCU_SELECTION_DEPENDS)
  get_property(targets GLOBAL PROPERTY TORCHMCU_SELECTION_TARGETS)
  set(dir ${CMAKE_BINARY_DIR}/torchmcu/kernel_selection)
  set(fixed "")
  if(CONFIG_TORCHMCU_KERNEL_SELECTION)
    get_filename_component(selection ${CONFIG_TORCHMCU_KERNEL_SELECTION} ABSOLUTE BASE_DIR ${APPLICATION_SOURCE_DIR})
    set(fixed --kernels ${selection})
    list(APPEND depends ${selection})
  endif()
  # The header names every torchmcu op: a torchmcu with another op set writes it again.
  _torchmcu_compiler_stamp(${dir}/compiler.fingerprint)
  list(APPEND depends ${dir}/compiler.fingerprint)
  _torchmcu_python(python)
  # The header is rewritten only when the selection changes (a byproduct: ninja then
  # restats it), so rebuilding a model with the same ops recompiles no kernel.
  add_custom_command(
    OUTPUT ${dir}/selection.stamp
    BYPRODUCTS ${dir}/torchmcu_kernel_selection.h ${dir}/selection.json
    COMMAND ${python} -m torchmcu.selection ${programs} --output ${dir} ${fixed}
    COMMAND ${CMAKE_COMMAND} -E touch ${dir}/selection.stamp
    DEPENDS ${depends}
    COMMENT "torchmcu: selecting the kernels the firmware's programs call"
    VERBATIM)
  add_custom_target(torchmcu_kernel_selection DEPENDS ${dir}/selection.stamp)
  if(targets)
    add_dependencies(torchmcu_kernel_selection ${targets})
  endif()
  add_dependencies(torchmcu torchmcu_kernel_selection)
  target_compile_definitions(torchmcu PRIVATE TORCHMCU_KERNEL_SELECTION=1)
  target_include_directories(torchmcu PRIVATE ${dir})
endfunction()

# The module's CMakeLists runs inside find_package(Zephyr), before the application
# adds its models: the selection is generated when the application's directory ends.
if(COMMAND zephyr_library AND CONFIG_TORCHMCU_SELECTIVE_KERNELS)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _torchmcu_select_kernels_generate)
endif()
