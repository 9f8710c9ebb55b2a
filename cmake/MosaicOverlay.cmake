# mosaic_add_overlay(NAME SOURCES a.moz [b.moz ...]
#                    [FUNCTIONS f.hpp [f.cpp ...]] [MOZC_FLAGS flag ...])
#
# Compiles Mozlog sources with mozc into C++ at build time and builds the node
# executable NAME. mozc writes a depfile listing every #include'd file, so
# editing any of them rebuilds just this overlay.
#
# FUNCTIONS: C++ headers (.h, .hh, .hpp, .hxx) whose f_ functions the Mozlog
# sources may call (mozc --functions), and the C++ sources implementing them,
# compiled into NAME. Generated code includes a header by its file name, so the
# headers' directories become include directories of NAME. Editing a header
# re-runs mozc (the depfile also lists what the header includes); editing a
# source recompiles just that source.
# MOZC_FLAGS are passed to mozc, e.g. --cview-opt=tail,inline,shortcut.
function(mosaic_add_overlay name)
  cmake_parse_arguments(ARG "" "" "SOURCES;FUNCTIONS;MOZC_FLAGS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "mosaic_add_overlay(${name}): SOURCES is required")
  endif()
  set(sources)
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND sources "${abs}")
  endforeach()
  set(function_headers)
  set(function_header_dirs)
  set(function_flags)
  set(function_sources)
  foreach(file IN LISTS ARG_FUNCTIONS)
    get_filename_component(abs "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(abs MATCHES "\\.(h|hh|hpp|hxx)$")
      list(APPEND function_headers "${abs}")
      get_filename_component(dir "${abs}" DIRECTORY)
      list(APPEND function_header_dirs "${dir}")
      list(APPEND function_flags "--functions=${abs}")
    else()
      list(APPEND function_sources "${abs}")
    endif()
  endforeach()
  if(ARG_FUNCTIONS AND NOT function_headers)
    message(FATAL_ERROR "mosaic_add_overlay(${name}): FUNCTIONS needs a header (.h, .hh, .hpp or .hxx)")
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.mozc.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND Mosaic::mozc ${sources} ${function_flags} ${ARG_MOZC_FLAGS} --emit=cpp -o "${out}" --depfile "${out}.d"
    DEPENDS ${sources} ${function_headers} Mosaic::mozc
    DEPFILE "${out}.d"
    COMMENT "mozc ${name}"
    VERBATIM)
  add_executable(${name} "${out}" ${function_sources})
  target_link_libraries(${name} PRIVATE Mosaic::runtime)
  if(function_header_dirs)
    list(REMOVE_DUPLICATES function_header_dirs)
    target_include_directories(${name} PRIVATE ${function_header_dirs})
  endif()
endfunction()
