# ExecuTorch selective build of the float ops a firmware's programs keep, for
# Zephyr builds without ExecuTorch's full portable operator library
# (CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n, torchmcu's default).
#
# Which kernel files to compile must be known when CMake configures, so
# torchmcu_add_model() compiles a model.py then (CMake configures again when the
# file changes) and `python -m torchmcu.portable_ops` names the program's float
# ops and the portable kernel files that define them, or stops the configure
# naming the ops that cannot be built. When the application's directory ends,
# one object library, linked into each model's target, gets those kernel files
# and the registration that ExecuTorch's codegen (tools/cmake/Codegen.cmake)
# generates for exactly those ops. The kernels' shared helpers come from
# ExecuTorch's kernels_util_all_deps archive; the linker takes only the helpers
# they call. No float op: nothing is built.
# Included by torchmcu_add_model.cmake.
# SPDX-License-Identifier: Apache-2.0

include_guard(GLOBAL)

# True when torchmcu_add_model() must select and build float-op kernels itself.
function(_torchmcu_float_ops_selected out_var)
  if(COMMAND zephyr_library AND NOT CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS)
    set(${out_var} ON PARENT_SCOPE)
  else()
    set(${out_var} OFF PARENT_SCOPE)
  endif()
endfunction()

# Compiles `model` (a model.py) now, into <out>/configured/<name>.pte, and sets `pte_var` to it.
# A reconfigure for another reason (a Kconfig or CMakeLists change) reuses the program when the
# model file is older and the target, environment and compiler (torchmcu.fingerprint) are the same.
function(_torchmcu_compile_now model cpu env out name pte_var)
  _torchmcu_python(python)
  set(dir ${out}/configured)
  set(pte ${dir}/${name}.pte)
  _torchmcu_compiler_fingerprint(compiler)
  set(inputs "${model} --target ${cpu} ${env} compiler ${compiler}")
  execute_process(COMMAND ${python} -m torchmcu.fingerprint --files OUTPUT_VARIABLE compiler_files
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${model} ${compiler_files})
  set(${pte_var} ${pte} PARENT_SCOPE)
  if(EXISTS ${pte} AND EXISTS ${dir}/inputs.txt AND NOT ${model} IS_NEWER_THAN ${pte})
    file(READ ${dir}/inputs.txt compiled_from)
    if(compiled_from STREQUAL inputs)
      return()
    endif()
  endif()
  message(STATUS "torchmcu: compiling ${model} for ${cpu} (its float ops decide the ExecuTorch kernels built)")
  file(REMOVE ${dir}/inputs.txt)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${env} ${python} -m torchmcu compile ${model} --target ${cpu}
                          --output-dir ${dir} --name ${name} --quiet
                  RESULT_VARIABLE failed ERROR_VARIABLE log)
  if(failed)
    message(FATAL_ERROR "torchmcu: compiling ${model} failed:\n${log}")
  elseif(log)
    message(NOTICE "${log}")
  endif()
  # Reused only with a measured method pool: an unmeasured one (torchmcu_check_plan.cmake refuses it)
  # is compiled again by the next configure instead of failing every build from then on.
  file(READ ${dir}/${name}.plan.json plan_json)
  string(JSON pool ERROR_VARIABLE no_pool GET ${plan_json} method_allocator_bytes)
  if(NOT no_pool AND pool GREATER 0)
    file(WRITE ${dir}/inputs.txt "${inputs}")
  endif()
endfunction()

# Records the float ops `program` keeps, and their kernel files, for `target`.
function(_torchmcu_float_ops_add target program name)
  _torchmcu_python(python)
  execute_process(COMMAND ${python} -m torchmcu.portable_ops ${program} --name ${name}
                          --executorch "${ZEPHYR_EXECUTORCH_MODULE_DIR}"
                  OUTPUT_VARIABLE json ERROR_VARIABLE error RESULT_VARIABLE failed)
  if(failed)
    string(REGEX REPLACE "^error: " "" error "${error}")
    message(FATAL_ERROR "torchmcu: ${error}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${program})
  string(JSON count LENGTH ${json} ops)
  if(count EQUAL 0)
    return()
  endif()
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON op GET ${json} ops ${i})
    set_property(GLOBAL APPEND PROPERTY TORCHMCU_FLOAT_OPS ${op})
  endforeach()
  string(JSON count LENGTH ${json} sources)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON source GET ${json} sources ${i})
    set_property(GLOBAL APPEND PROPERTY TORCHMCU_FLOAT_OP_SOURCES ${source})
  endforeach()
  set_property(GLOBAL APPEND PROPERTY TORCHMCU_FLOAT_OP_TARGETS ${target})
endfunction()

function(_torchmcu_float_ops_generate)
  get_property(ops GLOBAL PROPERTY TORCHMCU_FLOAT_OPS)
  if(NOT ops)
    return()
  endif()
  get_property(sources GLOBAL PROPERTY TORCHMCU_FLOAT_OP_SOURCES)
  get_property(targets GLOBAL PROPERTY TORCHMCU_FLOAT_OP_TARGETS)
  list(REMOVE_DUPLICATES ops)
  list(REMOVE_DUPLICATES sources)
  list(REMOVE_DUPLICATES targets)
  list(JOIN ops "," root_ops)
  message(STATUS "torchmcu: building ExecuTorch portable kernels for ${root_ops}")

  # ExecuTorch's codegen, as its own CMake calls it: select the ops, then generate their
  # registration (RegisterCodegenUnboxedKernelsEverything.cpp) from the portable functions.yaml.
  set(EXECUTORCH_ROOT ${ZEPHYR_EXECUTORCH_MODULE_DIR})
  _torchmcu_python(PYTHON_EXECUTABLE)
  include(${EXECUTORCH_ROOT}/tools/cmake/Codegen.cmake)
  gen_selected_ops(LIB_NAME torchmcu_float_ops ROOT_OPS ${root_ops})
  generate_bindings_for_kernels(LIB_NAME torchmcu_float_ops
                                FUNCTIONS_YAML ${EXECUTORCH_ROOT}/kernels/portable/functions.yaml)

  # Objects, not an archive: the registration is a static initialiser nothing references.
  add_library(torchmcu_float_ops OBJECT ${gen_command_sources} ${sources})
  target_link_libraries(torchmcu_float_ops PRIVATE executorch_core kernels_util_all_deps)
  target_compile_options(torchmcu_float_ops PRIVATE -Wno-deprecated-declarations)
  foreach(target ${targets})
    target_link_libraries(${target} PRIVATE torchmcu_float_ops kernels_util_all_deps)
  endforeach()
endfunction()

# The application adds its models after the module's CMakeLists ran: generate when its directory ends.
_torchmcu_float_ops_selected(torchmcu_select_float_ops)
if(torchmcu_select_float_ops)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _torchmcu_float_ops_generate)
endif()
