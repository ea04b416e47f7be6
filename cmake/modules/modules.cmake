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
    # ExecuTorch's Kconfig builds its whole portable operator library by default
    # (10+ minutes, none of it used by int8 programs). torchmcu_add_model() builds
    # just the float ops a program keeps. ExecuTorch's `default y` is read before
    # torchmcu's Kconfig, so the default is set here; a prj.conf that names the
    # option, or -DCONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=y, still decides.
    file(STRINGS ${torchmcu_app_conf} torchmcu_portable_ops REGEX "^CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=")
    if(NOT torchmcu_portable_ops AND NOT DEFINED CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS)
      list(APPEND EXTRA_CONF_FILE ${CMAKE_CURRENT_LIST_DIR}/../torchmcu_defaults.conf)
    endif()
  endif()
endif()
