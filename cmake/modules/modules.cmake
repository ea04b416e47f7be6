# Read by Zephyr inside find_package(Zephyr), before Kconfig, devicetree and the
# modules' CMakeLists (module_ext_root in zephyr/module.yml), in the
# application's scope. Every application of a workspace that holds torchmcu
# sees this file; only those that enable torchmcu in their prj.conf get its
# board settings and defaults.
# SPDX-License-Identifier: Apache-2.0

# ExecuTorch's CMake declares install(EXPORT) rules whose targets link Zephyr's
# zephyr_interface, which is in no export set, so generating them fails the
# configure. Firmware is never installed: skip install rules for the build.
set(CMAKE_SKIP_INSTALL_RULES ON)

# ExecuTorch generates its program schema headers with flatc and otherwise builds
# flatc from source for the host in every build directory (minutes, one job). The
# executorch wheel the torchmcu host toolchain runs on ships the same flatc; use it.
if(NOT FLATC_EXECUTABLE)
  set(torchmcu_flatc_python ${TORCHMCU_PYTHON})
  if(NOT torchmcu_flatc_python)
    set(torchmcu_flatc_python ${Python3_EXECUTABLE})
  endif()
  if(torchmcu_flatc_python)
    execute_process(COMMAND ${torchmcu_flatc_python} -c
                    "import executorch, pathlib; print(pathlib.Path(executorch.__path__[0], 'data', 'bin', 'flatc'))"
                    OUTPUT_VARIABLE torchmcu_flatc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(torchmcu_flatc AND EXISTS ${torchmcu_flatc})
      set(FLATC_EXECUTABLE ${torchmcu_flatc})
    endif()
  endif()
endif()

set(TORCHMCU_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR}/../../boards)
set(torchmcu_app_conf ${APPLICATION_SOURCE_DIR}/prj.conf)
if(DEFINED BOARD AND EXISTS ${torchmcu_app_conf})
  file(STRINGS ${torchmcu_app_conf} torchmcu_enabled REGEX "^CONFIG_TORCHMCU=y")
  if(torchmcu_enabled)
    # Board settings (boards/<board>.conf and .overlay, '/' -> '_'), so no sample or
    # application copies them.
    string(REPLACE "/" "_" torchmcu_board_file "${BOARD}")
    if(EXISTS ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.conf)
      list(APPEND EXTRA_CONF_FILE ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.conf)
    endif()
    if(EXISTS ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.overlay)
      list(APPEND EXTRA_DTC_OVERLAY_FILE ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.overlay)
    endif()
    # Defaults torchmcu gives ExecuTorch's options (cmake/torchmcu_defaults.conf says
    # why each): ExecuTorch's Kconfig is read before torchmcu's, so its own defaults
    # would win there. An option the application's prj.conf names, or a
    # -DCONFIG_...= on the command line, still decides.
    file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../torchmcu_defaults.conf torchmcu_defaults REGEX "^CONFIG_")
    set(torchmcu_applied_defaults "")
    foreach(line ${torchmcu_defaults})
      string(REGEX REPLACE "=.*" "" option "${line}")
      file(STRINGS ${torchmcu_app_conf} named REGEX "^${option}=")
      if(NOT named AND NOT DEFINED ${option})
        string(APPEND torchmcu_applied_defaults "${line}\n")
      endif()
    endforeach()
    if(torchmcu_applied_defaults)
      file(WRITE ${CMAKE_BINARY_DIR}/torchmcu_defaults.conf "${torchmcu_applied_defaults}")
      list(APPEND EXTRA_CONF_FILE ${CMAKE_BINARY_DIR}/torchmcu_defaults.conf)
    endif()
    # ExecuTorch's Zephyr glue passes CONFIG_EXECUTORCH_ENABLE_LOGGING on with
    # set(EXECUTORCH_ENABLE_LOGGING ${CONFIG_...}), which for "n" (unset) unsets the
    # variable, so ExecuTorch's own option default (ON) wins. Its cache entry is set
    # here, before any module's CMakeLists, to what the configuration asks for.
    set(torchmcu_et_logging OFF)
    file(STRINGS ${torchmcu_app_conf} named REGEX "^CONFIG_EXECUTORCH_ENABLE_LOGGING=y")
    if(named OR CONFIG_EXECUTORCH_ENABLE_LOGGING)
      set(torchmcu_et_logging ON)
    endif()
    set(EXECUTORCH_ENABLE_LOGGING ${torchmcu_et_logging} CACHE BOOL "CONFIG_EXECUTORCH_ENABLE_LOGGING" FORCE)
  endif()
endif()
