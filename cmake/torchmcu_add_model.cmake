# torchmcu_add_model(<target> MODEL <model.py|model.pte> [NAME <name>] [CPU <cortex-...>])
#
# Compiles a PyTorch model file (or takes an already compiled .pte) at build
# time with the torchmcu host CLI, for the CPU this build compiles CMSIS-NN for
# (CONFIG_TORCHMCU_TARGET in Zephyr; CPU or cortex-m55 elsewhere), and gives
# <target> two generated headers on its include path:
#
#   <name>_pte.h     the program bytes (16-byte aligned) and the plan's sizes
#   <name>_memory.h  <NAME>_ARENA_BYTES and <NAME>_METHOD_POOL_BYTES: the plan's
#                    sizes or the Kconfig overrides, checked against the plan
#
# It reruns when the model file changes. In a Zephyr build with CMSIS-NN the
# plan's scratch sizes come from the CMSIS-NN sources the firmware links.
# Works in plain (host) CMake projects too: include this file.
# SPDX-License-Identifier: Apache-2.0

set(TORCHMCU_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})
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
  cmake_parse_arguments(ARG "" "MODEL;NAME;CPU" "" ${ARGN})
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

  _torchmcu_python(python)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/torchmcu/${name})
  set(header ${out}/${name}_pte.h)
  set(memory_header ${out}/${name}_memory.h)
  set(plan ${out}/${name}.plan.json)
  set(env "")
  get_property(cmsis_nn_path GLOBAL PROPERTY TORCHMCU_CMSIS_NN_PATH)
  if(cmsis_nn_path)
    set(env CMSIS_NN_PATH=${cmsis_nn_path})
  elseif(DEFINED ENV{CMSIS_NN_PATH})
    set(env CMSIS_NN_PATH=$ENV{CMSIS_NN_PATH})
  endif()

  if(extension STREQUAL ".py")
    set(produce ${CMAKE_COMMAND} -E env ${env} ${python} -m torchmcu compile ${model} --target ${cpu}
                --output-dir ${out} --name ${name} --header --quiet)
    set(comment "torchmcu: compiling ${stem} for ${cpu}")
  elseif(extension STREQUAL ".pte")
    set(produce ${python} -m torchmcu plan ${model} --json --output ${plan}
        COMMAND ${python} -m torchmcu header ${model} --output ${header} --name ${name})
    set(comment "torchmcu: embedding ${stem}.pte")
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
  add_custom_command(
    OUTPUT ${header} ${memory_header} ${plan}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${produce}
    COMMAND ${CMAKE_COMMAND} -DPLAN=${plan} -DNAME=${name} -DOUTPUT=${memory_header}
            -DARENA_OVERRIDE=${arena_override} -DPOOL_OVERRIDE=${pool_override}
            -P ${TORCHMCU_CMAKE_DIR}/torchmcu_check_plan.cmake
    DEPENDS ${model} ${TORCHMCU_CMAKE_DIR}/torchmcu_check_plan.cmake
    COMMENT ${comment}
    VERBATIM)
  add_custom_target(${target}_${name}_torchmcu DEPENDS ${header} ${memory_header})
  add_dependencies(${target} ${target}_${name}_torchmcu)
  target_include_directories(${target} PRIVATE ${out})
  if(CONFIG_TORCHMCU_MODEL_SECTION)
    # The program bytes go where the application's linker snippet puts this section (e.g. XSPI flash).
    target_compile_definitions(${target} PRIVATE
      "TORCHMCU_PTE_PLACEMENT=__attribute__((section(\"${CONFIG_TORCHMCU_MODEL_SECTION}\")))")
  endif()
  target_sources(${target} PRIVATE ${header} ${memory_header})
endfunction()
