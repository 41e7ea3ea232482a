#pragma once

namespace cryptopipe::app {

// Exit codes of the cryptopipe command, documented in the README and in --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAssetFailed = 1;  // an asset failed, or the run could not complete
inline constexpr int kExitUsage = 2;        // bad usage or configuration; nothing was run

// Parses the command line and runs the command. Errors are reported as one line on stderr.
int run_cli(int argc, char** argv);

}  // namespace cryptopipe::app
