// The command line: `wdrbe serve | token | ...`, flags with WDRBE_* fallbacks.
#pragma once

namespace wdrbe::app {

// Parses argv, runs the chosen command, returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace wdrbe::app
