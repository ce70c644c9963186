# The rules of the house, kept by the build.
#
# Every folder is one library target, and a target sees only the headers of the folders it
# links: pfx_layer() gives each target an include directory of its own holding a single link,
# <build>/include/<folder>/<folder> -> <source>/<folder>, so `#include "storage/database.h"`
# compiles only in a target that links pfx_storage (directly or through a layer above it).
# The project root is on no include path. tests/CMakeLists.txt proves a forbidden include
# fails to compile (layering_* tests).

# pfx_layer_headers(TARGET FOLDER [INTERFACE]): exposes <source>/<folder>'s headers, and
# nothing else of the source tree, to TARGET and to whatever links it.
function(pfx_layer_headers target folder)
  set(stage ${PROJECT_BINARY_DIR}/include/${folder})
  file(MAKE_DIRECTORY ${stage})
  if(NOT EXISTS ${stage}/${folder})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${stage}/${folder} SYMBOLIC)
  endif()
  if(ARGV2 STREQUAL "INTERFACE")
    target_include_directories(${target} INTERFACE ${stage})
  else()
    target_include_directories(${target} PUBLIC ${stage})
  endif()
endfunction()

# pfx_layer(NAME FOLDER SOURCES ... DEPS ... [PRIVATE_DEPS ...]): the static library of one
# folder. DEPS are the layers (and libraries) its headers use; PRIVATE_DEPS only its sources.
function(pfx_layer name folder)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  pfx_layer_headers(${name} ${folder})
  target_link_libraries(${name} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})
endfunction()
