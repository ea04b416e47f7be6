# Read by Zephyr before Kconfig and devicetree (module_ext_root in zephyr/module.yml):
# applies torchmcu's settings for the board being built (boards/<board>.conf and
# .overlay, board name with '/' -> '_'), so no sample or application copies them.
# Only applications that enable torchmcu in their prj.conf get them: every
# application of a west workspace sees this file.
# SPDX-License-Identifier: Apache-2.0

set(TORCHMCU_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR}/../../boards)
set(torchmcu_app_conf ${APPLICATION_SOURCE_DIR}/prj.conf)
if(DEFINED BOARD AND EXISTS ${torchmcu_app_conf})
  file(STRINGS ${torchmcu_app_conf} torchmcu_enabled REGEX "^CONFIG_TORCHMCU=y")
  string(REPLACE "/" "_" torchmcu_board_file "${BOARD}")
  if(torchmcu_enabled AND EXISTS ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.conf)
    list(APPEND EXTRA_CONF_FILE ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.conf)
  endif()
  if(torchmcu_enabled AND EXISTS ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.overlay)
    list(APPEND EXTRA_DTC_OVERLAY_FILE ${TORCHMCU_BOARDS_DIR}/${torchmcu_board_file}.overlay)
  endif()
endif()
