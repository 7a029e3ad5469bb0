# Install rules: `cmake --install <build> --prefix <dir>` installs the libraries, the public
# headers, the drop-in Windows headers, the `ws2sim` command, a CMake package
# (find_package(ws2sim)) and pkg-config files (ws2sim-model, ws2sim-winsock).
# Layout under the prefix (GNUInstallDirs):
#   include/ws2sim/model/, include/ws2sim/winsock/, include/ws2sim/gtest.h
#   include/ws2sim/drop-in/          winsock2.h & co. (the directory ws2sim::winsock_headers adds)
#   lib/libws2sim_model.a, lib/libws2sim_winsock.a, lib/ws2sim/objects/... (the harness object)
#   lib/cmake/ws2sim/, lib/pkgconfig/ws2sim-{model,winsock}.pc
#   bin/ws2sim                        when WS2SIM_BUILD_CLI is on
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(WS2SIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ws2sim)

install(TARGETS ws2sim_model ws2sim_winsock ws2sim_winsock_headers ws2sim_harness
  EXPORT ws2sim-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/ws2sim/objects)
install(EXPORT ws2sim-targets NAMESPACE ws2sim:: DESTINATION ${WS2SIM_CMAKE_DIR})
# The GoogleTest helpers in their own export set: the package loads it only when GoogleTest is
# found, since ws2sim::gtest names GTest::gmock.
install(TARGETS ws2sim_gtest EXPORT ws2sim-gtest-targets)
install(EXPORT ws2sim-gtest-targets NAMESPACE ws2sim:: DESTINATION ${WS2SIM_CMAKE_DIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/model/include/ ${PROJECT_SOURCE_DIR}/gtest/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/include/ws2sim/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ws2sim FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/include/winsock/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ws2sim/drop-in)

if(TARGET ws2sim)
  install(TARGETS ws2sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ws2sim-config.cmake.in
  ${PROJECT_BINARY_DIR}/ws2sim-config.cmake INSTALL_DESTINATION ${WS2SIM_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ws2sim-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/ws2sim-config.cmake
  ${PROJECT_BINARY_DIR}/ws2sim-config-version.cmake
  ${CMAKE_CURRENT_LIST_DIR}/ws2sim-functions.cmake
  DESTINATION ${WS2SIM_CMAKE_DIR})

# pkg-config: relocatable (paths relative to the .pc file), so `cmake --install --prefix` anywhere
# works. With static libraries a C program also needs the C++ runtime, so it is in Libs.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  message(FATAL_ERROR "ws2sim: CMAKE_INSTALL_LIBDIR must be relative to the prefix for the pkg-config files")
endif()
file(RELATIVE_PATH WS2SIM_PC_PREFIX_FROM_PCDIR "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" WS2SIM_PC_PREFIX_FROM_PCDIR "${WS2SIM_PC_PREFIX_FROM_PCDIR}")
get_target_property(WS2SIM_MODEL_TYPE ws2sim_model TYPE)
if(WS2SIM_MODEL_TYPE STREQUAL "STATIC_LIBRARY")
  set(WS2SIM_PC_STATIC_LIBS "-lstdc++ -lm")
else()
  set(WS2SIM_PC_STATIC_LIBS "")
endif()
foreach(pc IN ITEMS ws2sim-model ws2sim-winsock)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
