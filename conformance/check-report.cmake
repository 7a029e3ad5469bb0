# Generates the conformance report twice and checks it: the two runs (serial, then on three
# threads) must give identical bytes (Markdown, JSON, JUnit XML), and the Markdown must equal the
# committed docs/conformance.md.
# With -DUPDATE=ON it writes docs/conformance.md instead of comparing.
#
#   cmake -DBINARY=ws2sim_conformance -DDOC=docs/conformance.md -DOUT=dir
#         "-DNATIVE=results/wine-8.txt=Wine 8;..." [-DUPDATE=ON] -P check-report.cmake
foreach(var BINARY DOC OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check-report.cmake: -D${var}=... is required")
  endif()
endforeach()

set(native_args)
foreach(entry IN LISTS NATIVE)
  string(FIND "${entry}" "=" eq)
  string(SUBSTRING "${entry}" 0 ${eq} file)
  math(EXPR name_start "${eq} + 1")
  string(SUBSTRING "${entry}" ${name_start} -1 name)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "check-report.cmake: native results ${file} missing (conformance/run-wine.sh writes it)")
  endif()
  list(APPEND native_args --native-results "${file}" --native-name "${name}")
endforeach()

file(MAKE_DIRECTORY "${OUT}")
# Run 1 runs the cases one after another, run 2 on three threads (-j 3): the reports must not
# depend on it.
foreach(run 1 2)
  if(run EQUAL 1)
    set(jobs 1)
  else()
    set(jobs 3)
  endif()
  execute_process(
    COMMAND "${BINARY}" ${native_args} --gtest_brief=1 -j ${jobs}
            --report-md "${OUT}/conformance-${run}.md"
            --report-json "${OUT}/conformance-${run}.json"
            --report-junit "${OUT}/conformance-${run}.xml"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  # 0: every case passed; 1: some failed (the report shows them). Anything else is an error.
  if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
    message(FATAL_ERROR "ws2sim_conformance failed (${rc}): ${err}")
  endif()
endforeach()

foreach(ext md json xml)
  file(SHA256 "${OUT}/conformance-1.${ext}" first)
  file(SHA256 "${OUT}/conformance-2.${ext}" second)
  if(NOT first STREQUAL second)
    message(FATAL_ERROR "the ${ext} report differs between a serial run and one on three "
                        "threads (-j 3): it is not deterministic")
  endif()
endforeach()

if(UPDATE)
  file(COPY_FILE "${OUT}/conformance-1.md" "${DOC}")
  message(STATUS "wrote ${DOC}")
  return()
endif()

file(SHA256 "${OUT}/conformance-1.md" generated)
set(committed "")
if(EXISTS "${DOC}")
  file(SHA256 "${DOC}" committed)
endif()
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR
    "docs/conformance.md is stale: it differs from the report generated now "
    "(${OUT}/conformance-1.md). Regenerate it with: "
    "cmake --build --preset default --target conformance_docs")
endif()
message(STATUS "docs/conformance.md is up to date")
