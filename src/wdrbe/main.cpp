// wdrbe: parse the command line and run the chosen command.
#include "wdrbe/app/cli.hpp"

int main(int argc, char** argv) { return wdrbe::app::RunCli(argc, argv); }
