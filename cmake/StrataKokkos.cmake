# Find Kokkos and make Kokkos::kokkos usable.
#
# Debian 12's Kokkos (3.4.1, from Trilinos 13.2) ships a KokkosConfig.cmake
# whose Kokkos::kokkos target points INTERFACE_INCLUDE_DIRECTORIES at
# <prefix>/lib/include, which does not exist; the headers are in
# Kokkos_INCLUDE_DIRS (/usr/include/trilinos). We repair the target here so no
# user has to. A user's own Kokkos 4.x/5.x (-DKokkos_ROOT=...) has a correct
# target and is left untouched.
find_package(Kokkos REQUIRED)

get_target_property(_strata_kokkos_inc Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
set(_strata_kokkos_inc_ok TRUE)
if(_strata_kokkos_inc)
  foreach(_dir IN LISTS _strata_kokkos_inc)
    # Generator expressions ($<BUILD_INTERFACE:...>) cannot be checked here.
    if(NOT _dir MATCHES "^\\$<" AND NOT EXISTS "${_dir}")
      set(_strata_kokkos_inc_ok FALSE)
    endif()
  endforeach()
endif()
if(NOT _strata_kokkos_inc_ok)
  if(NOT Kokkos_INCLUDE_DIRS OR NOT EXISTS "${Kokkos_INCLUDE_DIRS}")
    message(FATAL_ERROR "Kokkos::kokkos names a missing include directory "
                        "(${_strata_kokkos_inc}) and Kokkos_INCLUDE_DIRS is not usable either")
  endif()
  message(STATUS "Repairing Kokkos::kokkos include directory: ${_strata_kokkos_inc} -> ${Kokkos_INCLUDE_DIRS}")
  set_property(TARGET Kokkos::kokkos PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${Kokkos_INCLUDE_DIRS}")
  # The Trilinos target links by bare library names; give the linker the
  # directory they live in so a non-default prefix works too.
  if(Kokkos_LIBRARY_DIRS)
    set_property(TARGET Kokkos::kokkos APPEND PROPERTY INTERFACE_LINK_DIRECTORIES "${Kokkos_LIBRARY_DIRS}")
  endif()
endif()
message(STATUS "Kokkos ${Kokkos_VERSION}")
