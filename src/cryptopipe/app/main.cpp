#include "cryptopipe/app/cli.h"

int main(int argc, char** argv) { return cryptopipe::app::run_cli(argc, argv); }
