# Compiling GLSL compute shaders into cadenza, for the built-in kernels and for code
# outside engine/ (an example, another project using the installed package).
#
#   cadenza_add_shaders(<target> [INCLUDE_DIRS dir...] shader.comp...)
#
# compiles each shader with glslc (--target-env=vulkan1.1 -O -Werror), checks it with
# spirv-val when installed, embeds the SPIR-V in a generated source added to <target>, and
# registers each module by name at start-up (vulkan::ShaderRegistration), so
# vulkan::pipeline("<name>") finds it like a built-in shader. cadenza's shader includes
# (elementwise.glsl: the strided elementwise push constants; group.glsl: the 1-D workgroup
# whose size the runtime chooses; math.glsl, philox.glsl) are on
# the include path. A shader may declare variants, one per line:
#   // variant f32: -DT=float
# gives the module <name>_f32 (without such lines the module is <name>).
# Registration is a static object: link a static library holding it whole
# ($<LINK_LIBRARY:WHOLE_ARCHIVE,lib>), as for ops registered with CADENZA_REGISTER_OP.
#
#   cadenza_compile_shaders(<out_var> OUTPUT_DIR dir [INCLUDE_DIRS dir...] [DEPENDS file...]
#                           SOURCES shader.comp...)
# is the compile step alone: <out_var> receives the .spv files. DEPENDS names generated
# includes (which a configure-time glob of INCLUDE_DIRS cannot see).
include_guard(GLOBAL)
# cadenza's shader includes: shaders/ in the source tree; the installed package sets it to
# include/cadenza/shaders before including this file.
if(NOT DEFINED CADENZA_SHADER_INCLUDE_DIR)
  set(CADENZA_SHADER_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/../shaders)
endif()
find_program(CADENZA_GLSLC glslc)
find_program(CADENZA_SPIRV_VAL spirv-val)

function(cadenza_compile_shaders out_var)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "INCLUDE_DIRS;SOURCES;DEPENDS" ${ARGN})
  if(NOT CADENZA_GLSLC)
    message(FATAL_ERROR "cadenza_compile_shaders: glslc not found (Debian: apt install glslc)")
  endif()
  file(MAKE_DIRECTORY ${ARG_OUTPUT_DIR})
  set(include_flags)
  set(depends ${ARG_DEPENDS})
  foreach(dir ${ARG_INCLUDE_DIRS} ${CADENZA_SHADER_INCLUDE_DIR})
    list(APPEND include_flags -I${dir})
    file(GLOB glsl CONFIGURE_DEPENDS ${dir}/*.glsl)
    list(APPEND depends ${glsl})
  endforeach()
  set(spv_files)
  foreach(src ${ARG_SOURCES})
    get_filename_component(src ${src} ABSOLUTE)
    get_filename_component(name ${src} NAME_WE)
    file(STRINGS ${src} variant_lines REGEX "^// variant [a-z0-9_]+:")
    if(NOT variant_lines)
      set(variant_lines "// variant :")
    endif()
    foreach(line ${variant_lines})
      string(REGEX REPLACE "^// variant ([a-z0-9_]*):(.*)$" "\\1" suffix "${line}")
      string(REGEX REPLACE "^// variant ([a-z0-9_]*):(.*)$" "\\2" flags "${line}")
      separate_arguments(flags UNIX_COMMAND "${flags}")
      set(module ${name})
      if(suffix)
        set(module ${name}_${suffix})
      endif()
      set(spv ${ARG_OUTPUT_DIR}/${module}.spv)
      set(validate)
      if(CADENZA_SPIRV_VAL)
        set(validate COMMAND ${CADENZA_SPIRV_VAL} --target-env vulkan1.1 ${spv})
      endif()
      add_custom_command(OUTPUT ${spv}
        COMMAND ${CADENZA_GLSLC} --target-env=vulkan1.1 -O -Werror ${include_flags} ${flags} ${src} -o ${spv}
        ${validate}
        DEPENDS ${src} ${depends}
        COMMENT "glslc ${module}.spv" VERBATIM)
      list(APPEND spv_files ${spv})
    endforeach()
  endforeach()
  set(${out_var} ${spv_files} PARENT_SCOPE)
endfunction()

function(cadenza_add_shaders target)
  cmake_parse_arguments(ARG "" "" "INCLUDE_DIRS" ${ARGN})
  if(NOT ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cadenza_add_shaders(${target}): no shader given")
  endif()
  if(NOT TARGET cadenza_vulkan AND NOT TARGET cadenza::cadenza_vulkan)
    message(FATAL_ERROR "cadenza_add_shaders(${target}): this cadenza was built without the Vulkan backend "
                        "(check CADENZA_HAVE_VULKAN before calling it)")
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_spirv)
  cadenza_compile_shaders(spv_files OUTPUT_DIR ${dir} INCLUDE_DIRS ${ARG_INCLUDE_DIRS}
                          SOURCES ${ARG_UNPARSED_ARGUMENTS})
  set(embedded ${CMAKE_CURRENT_BINARY_DIR}/${target}_shaders.cpp)
  add_custom_command(OUTPUT ${embedded}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${embedded} "-DINPUTS=${spv_files}" -DMODE=register
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_spirv.cmake
    DEPENDS ${spv_files} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/embed_spirv.cmake
    COMMENT "embedding the shaders of ${target}" VERBATIM)
  # The generated source includes engine/vulkan/extension.h: <target> links cadenza (the
  # function does not, so the target keeps whichever target_link_libraries signature it uses).
  target_sources(${target} PRIVATE ${embedded})
endfunction()
