# `cmake --install` puts headers, the static libraries and a CMake package in the prefix,
# so another project does find_package(cadenza) and links cadenza::cadenza.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The one target users link: every library, with the self-registering ones (ops, model
# families) linked whole so none of their registrations is dropped.
add_library(cadenza_all INTERFACE)
set_target_properties(cadenza_all PROPERTIES EXPORT_NAME cadenza)
target_link_libraries(cadenza_all INTERFACE cadenza_ops_whole cadenza_nn cadenza_optim cadenza_music)
set(cadenza_install_targets cadenza_all cadenza_files cadenza_engine cadenza_ops cadenza_ops_whole cadenza_nn
    cadenza_optim cadenza_dist cadenza_music)
if(TARGET cadenza_models)
  target_link_libraries(cadenza_all INTERFACE cadenza_models_whole)
  list(APPEND cadenza_install_targets cadenza_models cadenza_models_whole)
endif()
if(TARGET cadenza_vulkan)
  target_link_libraries(cadenza_all INTERFACE cadenza_vulkan)
  list(APPEND cadenza_install_targets cadenza_vulkan)
endif()
add_library(cadenza::cadenza ALIAS cadenza_all)

install(TARGETS ${cadenza_install_targets} EXPORT cadenzaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET cadenza)
  install(TARGETS cadenza RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # The bundled corpus, where the installed program looks for its default --data.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/data DESTINATION ${CMAKE_INSTALL_DATADIR}/cadenza)
  # The model zoo, where `cadenza models` and a zoo name (--model NAME) find it.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/zoo DESTINATION ${CMAKE_INSTALL_DATADIR}/cadenza)
endif()
foreach(dir engine ops nn optim dist music models)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
    install(DIRECTORY ${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cadenza
            FILES_MATCHING PATTERN "*.h")
  endif()
endforeach()
if(TARGET cadenza_vulkan)
  # cadenza_add_shaders() for other projects, with the shader includes it puts on the path.
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/CadenzaShaders.cmake ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cadenza)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/shaders/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cadenza/shaders
          FILES_MATCHING PATTERN "*.glsl")
endif()
install(EXPORT cadenzaTargets NAMESPACE cadenza:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cadenza)
set(CADENZA_INSTALL_SHADER_INCLUDE_DIR ${CMAKE_INSTALL_INCLUDEDIR}/cadenza/shaders)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cadenzaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cadenzaConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cadenza
  PATH_VARS CADENZA_INSTALL_SHADER_INCLUDE_DIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cadenzaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cadenzaConfig.cmake ${PROJECT_BINARY_DIR}/cadenzaConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cadenza)
