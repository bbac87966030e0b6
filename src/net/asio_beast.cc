// The one translation unit that compiles Boost.Asio and Boost.Beast.
//
// The top-level CMakeLists.txt defines BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION for every target, so other files include
// only the declarations; their definitions are built here once. This keeps
// the many files that use Asio/Beast cheap to compile on a 2-core CI machine.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
