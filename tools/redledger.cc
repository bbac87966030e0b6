// redledger: the operator CLI (export, verify, import, replay, backup, ...).
// Everything is in redledger_cli (redledger/cli.h), so tests run the same code.
#include <iostream>
#include <string>
#include <vector>

#include "redledger/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return redledger::RunCli(args, std::cout, std::cerr);
}
