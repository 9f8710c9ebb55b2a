# mosaic_add_overlay(NAME SOURCES a.moz [b.moz ...] [MOZC_FLAGS flag ...])
#
# MOZC_FLAGS are passed to mozc, e.g. --cview-opt=tail,inline,shortcut.
# Compiles Mozlog sources with mozc into C++ at build time and builds the node
# executable NAME. mozc writes a depfile listing every #include'd file, so
# editing any of them rebuilds just this overlay.
function(mosaic_add_overlay name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MOZC_FLAGS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "mosaic_add_overlay(${name}): SOURCES is required")
  endif()
  set(sources)
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND sources "${abs}")
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.mozc.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND Mosaic::mozc ${sources} ${ARG_MOZC_FLAGS} --emit=cpp -o "${out}" --depfile "${out}.d"
    DEPENDS ${sources} Mosaic::mozc
    DEPFILE "${out}.d"
    COMMENT "mozc ${name}"
    VERBATIM)
  add_executable(${name} "${out}")
  target_link_libraries(${name} PRIVATE Mosaic::runtime)
endfunction()
