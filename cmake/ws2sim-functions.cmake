# CMake functions of ws2sim, shared by its own build and the installed package
# (find_package(ws2sim) includes this file).

# ws2sim_add_windows_program(NAME SOURCES...): builds Windows source files unmodified against the
# drop-in headers (ws2sim::winsock_headers) and links the harness (ws2sim::harness), so running the
# program runs it in an emulated world described by WS2SIM_* environment variables (see
# emulator/harness/harness.cc).
#
# The program's `main` is compiled as ws2sim_program_main: the harness's own main runs it as the
# first Windows thread of the program's host (docs/threads.md).
function(ws2sim_add_windows_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ws2sim::harness ws2sim::winsock)
  set_property(SOURCE ${ARGN} TARGET_DIRECTORY ${name} APPEND PROPERTY COMPILE_DEFINITIONS
    main=ws2sim_program_main)
endfunction()

# ws2sim_add_windows_program_library(NAME ENTRY SOURCES...): builds a Windows program's source
# files unmodified against the drop-in headers into a static library whose `main` is renamed
# ENTRY. Several programs then run in one test process, each as a Windows thread on its own
# host (World::start_thread, or WinsockTest::start_thread of ws2sim/gtest.h): a client and its
# server in one world. Declare ENTRY in the test as the program's main is declared (extern "C"
# for a C program).
function(ws2sim_add_windows_program_library name entry)
  add_library(${name} STATIC ${ARGN})
  target_link_libraries(${name} PUBLIC ws2sim::winsock)
  set_property(SOURCE ${ARGN} TARGET_DIRECTORY ${name} APPEND PROPERTY COMPILE_DEFINITIONS
    main=${entry})
endfunction()
