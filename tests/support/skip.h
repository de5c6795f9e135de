#pragma once
// Real CTest skips. A test that cannot run on this machine (no Vulkan device, no MPI, no
// FluidSynth, a corpus that is not here) ends its process with kSkipExitCode, which every
// test is registered with as SKIP_RETURN_CODE: CTest then reports it as skipped, never as
// passed. Under CI=true a skip fails the test instead, since CI installs every optional
// dependency and has the corpora. Each Catch2 test case runs in its own process under
// CTest, so ending the process skips exactly that test.
#include <string>

namespace cadenza::test {

inline constexpr int kSkipExitCode = 77;

[[noreturn]] void skip_test(const std::string& why);

}  // namespace cadenza::test
