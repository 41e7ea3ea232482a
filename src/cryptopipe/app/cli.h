#pragma once

namespace cryptopipe::app {

// Exit codes of the cryptopipe command, documented in the README and in --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAssetFailed = 1;  // an asset failed, or the run could not complete
inline constexpr int kExitUsage = 2;        // bad usage or configuration; nothing was run

// The last resort for a defect that lets an exception escape where nothing catches it (a worker
// thread, a destructor): std::terminate then ends the process with one line on stderr,
// "cryptopipe: internal error: <what>", and exit code 1, never a bare "Aborted". What was stored
// stays consistent: lake objects are published atomically, manifests are written last, and
// warehouse transactions roll back. run_cli installs it.
void end_unhandled_errors_with_a_line();

// Parses the command line and runs the command. Errors are reported as one line on stderr.
int run_cli(int argc, char** argv);

}  // namespace cryptopipe::app
