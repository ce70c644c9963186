# cmake -P check: compiles one `#include` with exactly the include directories a target gets
# and checks the outcome the house rules expect.
#   -DCXX=compiler -DHEADER=path -DINCLUDES="dir|dir|..." -DEXPECT=allowed|forbidden -DWORK=dir
# allowed: the include must compile. forbidden: it must fail because the header is not found
# (any other compile error fails the check, so a broken header cannot pass as "forbidden").
string(REPLACE "|" ";" dirs "${INCLUDES}")
set(flags -std=c++20 -fsyntax-only)
foreach(d ${dirs})
  list(APPEND flags "-I${d}")
endforeach()
string(MAKE_C_IDENTIFIER "${HEADER}" id)
set(src "${WORK}/${id}_${EXPECT}.cc")
file(WRITE "${src}" "#include \"${HEADER}\"\n")
execute_process(COMMAND ${CXX} ${flags} "${src}" RESULT_VARIABLE rc ERROR_VARIABLE err
  OUTPUT_QUIET)
if(EXPECT STREQUAL "allowed")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "#include \"${HEADER}\" should compile here, but:\n${err}")
  endif()
  message(STATUS "allowed and compiles: #include \"${HEADER}\"")
else()
  if(rc EQUAL 0)
    message(FATAL_ERROR "#include \"${HEADER}\" compiled: the layer rule is not enforced")
  endif()
  if(NOT err MATCHES "${HEADER}: No such file or directory")
    message(FATAL_ERROR "#include \"${HEADER}\" failed for another reason than layering:\n${err}")
  endif()
  message(STATUS "forbidden and refused: #include \"${HEADER}\" (not on this target's path)")
endif()
