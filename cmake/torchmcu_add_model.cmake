# torchmcu_add_model(<target> MODEL <model.py|model.pte> [NAME <name>] [CPU <cortex-...>]
#                    [INPUT <input.npy> ...])
#
# Compiles a PyTorch model file (or takes an already compiled .pte) at build
# time with the torchmcu host CLI, for the CPU this build compiles CMSIS-NN for
# (CONFIG_TORCHMCU_TARGET in Zephyr; CPU or cortex-m55 elsewhere), and gives
# <target> three generated headers on its include path:
#
#   <name>_pte.h       the program bytes (16-byte aligned) and the plan's sizes
#   <name>_memory.h    <NAME>_ARENA_BYTES and <NAME>_METHOD_POOL_BYTES: the plan's
#                      sizes or the Kconfig overrides, checked against the plan
#   <name>_expected.h  the host runner's output bytes for the same program on the
#                      INPUT .npy files (default: the samples' built-in pattern),
#                      which a sample compares its device output with
#
# A program that keeps float (non-torchmcu) ops gets exactly their ExecuTorch
# portable kernels in a Zephyr firmware without ExecuTorch's full portable library
# (CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n, torchmcu's default); then a model.py is
# compiled when CMake configures (cmake/torchmcu_float_ops.cmake), and a float op
# with no portable kernel stops the configure, naming it.
#
# It reruns when the model file changes. In a Zephyr build with CMSIS-NN the
# plan's scratch sizes come from the CMSIS-NN sources the firmware links.
# Works in plain (host) CMake projects too: include this file.
# SPDX-License-Identifier: Apache-2.0

include(${CMAKE_CURRENT_LIST_DIR}/torchmcu_select_kernels.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/torchmcu_float_ops.cmake)
set(TORCHMCU_PYTHON "" CACHE FILEPATH "Python interpreter with the torchmcu package installed")

function(_torchmcu_python out_var)
  if(TORCHMCU_PYTHON)
    set(${out_var} ${TORCHMCU_PYTHON} PARENT_SCOPE)
    return()
  endif()
  if(NOT Python3_EXECUTABLE)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
  endif()
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import torchmcu" RESULT_VARIABLE missing
                  OUTPUT_QUIET ERROR_QUIET)
  if(missing)
    message(FATAL_ERROR "torchmcu: ${Python3_EXECUTABLE} cannot import the torchmcu package. Install it "
                        "(pip install <torchmcu>/ or bash scripts/setup.sh) or set -DTORCHMCU_PYTHON=<python>.")
  endif()
  set(${out_var} ${Python3_EXECUTABLE} PARENT_SCOPE)
endfunction()

# The compiler's identity (python -m torchmcu.fingerprint): a program compiled by another
# torchmcu is compiled again, not embedded in a firmware whose operator set it may not match.
# Read once per configure: every model and the kernel selection share it.
function(_torchmcu_compiler_fingerprint out_var)
  get_property(fingerprint GLOBAL PROPERTY TORCHMCU_COMPILER_FINGERPRINT)
  if(NOT fingerprint)
    _torchmcu_python(python)
    execute_process(COMMAND ${python} -m torchmcu.fingerprint OUTPUT_VARIABLE fingerprint
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE failed ERROR_VARIABLE log)
    if(failed)
      message(FATAL_ERROR "torchmcu: reading the compiler's fingerprint failed:\n${log}")
    endif()
    set_property(GLOBAL PROPERTY TORCHMCU_COMPILER_FINGERPRINT ${fingerprint})
  endif()
  set(${out_var} ${fingerprint} PARENT_SCOPE)
endfunction()

# Writes the fingerprint to `stamp` when it changed: a build step that depends on the stamp
# runs again under a new torchmcu.
function(_torchmcu_compiler_stamp stamp)
  _torchmcu_compiler_fingerprint(fingerprint)
  file(CONFIGURE OUTPUT ${stamp} CONTENT "${fingerprint}\n")
endfunction()

# The 32-bit id of a CMSIS-NN checkout's sizing functions, as the host planner
# records it (python -m torchmcu.cmsis_nn_checkout PATH).
function(torchmcu_cmsis_nn_sizing_version cmsis_nn_path out_var)
  _torchmcu_python(python)
  execute_process(COMMAND ${python} -m torchmcu.cmsis_nn_checkout ${cmsis_nn_path}
                  OUTPUT_VARIABLE id ERROR_VARIABLE error RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(failed OR NOT id MATCHES "^0x[0-9a-f]+$")
    message(FATAL_ERROR "torchmcu: cannot build the host sizing library from CMSIS-NN at ${cmsis_nn_path}:\n${error}")
  endif()
  set(${out_var} ${id} PARENT_SCOPE)
endfunction()

function(torchmcu_add_model target)
  cmake_parse_arguments(ARG "" "MODEL;NAME;CPU" "INPUT" ${ARGN})
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "torchmcu_add_model(${target} ...): MODEL <model.py|model.pte> is required")
  endif()
  get_filename_component(model ${ARG_MODEL} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT EXISTS ${model})
    message(FATAL_ERROR "torchmcu_add_model(${target} ...): model file ${model} does not exist")
  endif()
  get_filename_component(stem ${model} NAME_WE)
  get_filename_component(extension ${model} LAST_EXT)
  set(name ${stem})
  if(ARG_NAME)
    set(name ${ARG_NAME})
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "torchmcu_add_model(${target} ...): NAME '${name}' must be a C identifier")
  endif()
  if(ARG_CPU)
    set(cpu ${ARG_CPU})
  elseif(CONFIG_TORCHMCU_TARGET)
    set(cpu ${CONFIG_TORCHMCU_TARGET})
  else()
    set(cpu cortex-m55)
  endif()

  # This file's directory, wherever the function is called from (a variable set at
  # include time is not visible in an application's scope).
  set(cmake_dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  _torchmcu_python(python)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/torchmcu/${name})
  set(header ${out}/${name}_pte.h)
  set(memory_header ${out}/${name}_memory.h)
  set(plan ${out}/${name}.plan.json)
  set(expected_header ${out}/${name}_expected.h)
  set(env "")
  get_property(cmsis_nn_path GLOBAL PROPERTY TORCHMCU_CMSIS_NN_PATH)
  if(cmsis_nn_path)
    set(env CMSIS_NN_PATH=${cmsis_nn_path})
  elseif(DEFINED ENV{CMSIS_NN_PATH})
    set(env CMSIS_NN_PATH=$ENV{CMSIS_NN_PATH})
  endif()

  # Without ExecuTorch's portable library the program's float ops decide which kernel files
  # this build compiles, which CMake must know now: compile the model now (CMake reruns when
  # it changes), and embed the .pte from here on.
  _torchmcu_float_ops_selected(select_float_ops)
  if(select_float_ops AND extension STREQUAL ".py")
    _torchmcu_compile_now(${model} ${cpu} "${env}" ${out} ${name} model)
    set(extension .pte)
    set(stem ${name})
  endif()

  if(extension STREQUAL ".py")
    set(produce ${CMAKE_COMMAND} -E env ${env} ${python} -m torchmcu compile ${model} --target ${cpu}
                --output-dir ${out} --name ${name} --header --quiet)
    set(comment "torchmcu: compiling ${stem} for ${cpu}")
    set(program ${out}/${name}.pte)
    set(compiler_stamp ${out}/compiler.fingerprint)
    _torchmcu_compiler_stamp(${compiler_stamp})
  elseif(extension STREQUAL ".pte")
    set(produce ${python} -m torchmcu plan ${model} --json --output ${plan}
        COMMAND ${python} -m torchmcu header ${model} --output ${header} --name ${name})
    set(comment "torchmcu: embedding ${stem}.pte")
    set(program ${model})
  else()
    message(FATAL_ERROR "torchmcu_add_model(${target} ...): MODEL must be a .py model file or a .pte, "
                        "got ${model}")
  endif()

  set(arena_override 0)
  set(pool_override 0)
  if(CONFIG_TORCHMCU_ARENA_SIZE)
    set(arena_override ${CONFIG_TORCHMCU_ARENA_SIZE})
  endif()
  if(CONFIG_TORCHMCU_METHOD_ALLOCATOR_SIZE)
    set(pool_override ${CONFIG_TORCHMCU_METHOD_ALLOCATOR_SIZE})
  endif()
  # Float ops run on ExecuTorch's portable kernels: a host build links the wheel's, a Zephyr
  # build all of them (CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=y) or those the program keeps.
  if(select_float_ops)
    _torchmcu_float_ops_add(${target} ${program} ${name})
  endif()
  add_custom_command(
    OUTPUT ${header} ${memory_header} ${plan}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${produce}
    COMMAND ${CMAKE_COMMAND} -DPLAN=${plan} -DNAME=${name} -DOUTPUT=${memory_header}
            -DARENA_OVERRIDE=${arena_override} -DPOOL_OVERRIDE=${pool_override}
            -P ${cmake_dir}/torchmcu_check_plan.cmake
    DEPENDS ${model} ${compiler_stamp} ${cmake_dir}/torchmcu_check_plan.cmake
    COMMENT ${comment}
    VERBATIM)
  set(inputs "")
  foreach(input ${ARG_INPUT})
    get_filename_component(input ${input} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND inputs ${input})
  endforeach()
  list(TRANSFORM inputs PREPEND "--input=" OUTPUT_VARIABLE input_arguments)
  add_custom_command(
    OUTPUT ${expected_header}
    COMMAND ${python} -m torchmcu.expected_header ${program} --name ${name} --output ${expected_header}
            ${input_arguments}
    DEPENDS ${header} ${inputs}
    COMMENT "torchmcu: host runner output of ${name} for the sample to check against"
    VERBATIM)
  add_custom_target(${target}_${name}_torchmcu DEPENDS ${header} ${memory_header} ${expected_header})
  add_dependencies(${target} ${target}_${name}_torchmcu)
  _torchmcu_select_kernels_add(${program} ${header} ${target}_${name}_torchmcu)
  target_include_directories(${target} PRIVATE ${out})
  if(TARGET executorch_core AND COMMAND zephyr_library)
    # The application includes torchmcu/runner.h, which includes ExecuTorch's headers:
    # it needs their include path and the definitions the runtime was built with.
    target_link_libraries(${target} PRIVATE executorch_core)
  endif()
  if(CONFIG_TORCHMCU_MODEL_SECTION)
    # The program bytes go where the application's linker snippet puts this section (e.g. XSPI flash).
    target_compile_definitions(${target} PRIVATE
      "TORCHMCU_PTE_PLACEMENT=__attribute__((section(\"${CONFIG_TORCHMCU_MODEL_SECTION}\")))")
  endif()
  target_sources(${target} PRIVATE ${header} ${memory_header} ${expected_header})
endfunction()
