# The layer rule of docs/ENGINE.md, checked: a folder includes only what stands below it.
#   cmake -DSOURCE_DIR=<checkout> -P tests/layers/check_layers.cmake
# Every `#include "a/b.h"` of a source under a layer must name a file of a layer that layer
# may use; one line per offending include, and a non-zero exit if there is any. Includes
# without a folder ("x.h", the file's own folder) and <system> includes are not checked.
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: pass -DSOURCE_DIR=<checkout>")
endif()

# Bottom to top. A layer is a folder prefix; it may include the prefixes listed after it,
# separated by spaces ("-": none), and its own. engine/vulkan (the Vulkan runtime) stands on the rest of engine/, and
# the rest of engine/ may not include it; music stands apart from the engine and takes
# from it only the one atomic-write path.
set(layers
  "engine/vulkan/" "engine/"
  "engine/"        "-"
  "ops/"           "engine/"
  "nn/"            "engine/ ops/"
  "optim/"         "engine/ ops/ nn/"
  "dist/"          "engine/ ops/"
  "music/"         "engine/serialize/atomic_file.h"
  "models/"        "engine/ ops/ nn/ optim/ dist/ music/"
  "live/"          "engine/ ops/ nn/ optim/ dist/ music/ models/"
  "tools/"         "engine/ ops/ nn/ optim/ dist/ music/ models/ live/"
  "python/"        "engine/ ops/ nn/ optim/ dist/ music/ models/")
# What engine/ outside engine/vulkan/ may not reach although the prefix "engine/" allows it.
set(engine_core_denied "engine/vulkan/")

list(LENGTH layers n)
math(EXPR last "${n} - 1")
set(prefixes)
foreach(i RANGE 0 ${last} 2)
  math(EXPR j "${i} + 1")
  list(GET layers ${i} prefix)
  list(GET layers ${j} allowed)
  list(APPEND prefixes "${prefix}")
  string(REPLACE " " ";" allowed "${allowed}")
  list(REMOVE_ITEM allowed "-")
  set("allowed_${prefix}" "${prefix};${allowed}")
endforeach()

# The layer of a path: the longest listed prefix it starts with ("" when none).
function(layer_of path out)
  set(best "")
  foreach(prefix IN LISTS prefixes)
    string(LENGTH "${prefix}" len)
    string(SUBSTRING "${path}" 0 ${len} head)
    string(LENGTH "${best}" best_len)
    if(head STREQUAL prefix AND len GREATER best_len)
      set(best "${prefix}")
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

set(violations 0)
set(checked 0)
foreach(prefix IN LISTS prefixes)
  file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/${prefix}*.h" "${SOURCE_DIR}/${prefix}*.cpp")
  foreach(source IN LISTS sources)
    layer_of("${source}" layer)
    if(NOT layer STREQUAL prefix)
      continue()  # a deeper layer's file, checked under that layer
    endif()
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${SOURCE_DIR}/${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]+\"[^\"]+/[^\"]+\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[^\"]*\"([^\"]+)\".*$" "\\1" target "${line}")
      set(ok FALSE)
      foreach(allowed IN LISTS "allowed_${prefix}")
        string(LENGTH "${allowed}" len)
        string(SUBSTRING "${target}" 0 ${len} head)
        if(head STREQUAL allowed)
          set(ok TRUE)
        endif()
      endforeach()
      if(ok AND prefix STREQUAL "engine/")
        string(FIND "${target}" "${engine_core_denied}" at)
        if(at EQUAL 0)
          set(ok FALSE)
        endif()
      endif()
      if(NOT ok)
        layer_of("${target}" target_layer)
        if(target_layer STREQUAL "")
          set(target_layer "a folder outside the layers")
        endif()
        message(NOTICE "${source}: includes \"${target}\" (${target_layer}), which does not stand below ${prefix}")
        math(EXPR violations "${violations} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "check_layers: no source found under ${SOURCE_DIR}")
endif()
if(violations GREATER 0)
  message(FATAL_ERROR "check_layers: ${violations} include(s) run against the layers (docs/ENGINE.md)")
endif()
message(STATUS "check_layers: ${checked} files, every include points down")
