#include "redledger/cli.h"

#include <ostream>

#include "cli/common.h"

namespace redledger {
namespace {

std::vector<cli::Command> Commands() {
  return {cli::ExportCommand(), cli::VerifyExportCommand(), cli::ImportCommand(),  cli::VerifyCommand(),
          cli::ProofCommand(),  cli::ReplayCommand(),       cli::BackupCommand(),  cli::RestoreCommand(),
          cli::ShowCommand(),   cli::TailCommand(),         cli::SeedCommand()};
}

void PrintOverview(std::ostream& out, const std::vector<cli::Command>& commands) {
  out << "usage: redledger <command> [flags]   (redledger <command> --help for its flags)\n\ncommands:\n";
  for (const cli::Command& c : commands) {
    // The first line of each usage is "redledger <name> …: <summary>".
    out << "  " << c.usage.substr(0, c.usage.find('\n')) << "\n";
  }
}

}  // namespace

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::vector<cli::Command> commands = Commands();
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintOverview(args.empty() ? err : out, commands);
    return args.empty() ? 2 : 0;
  }
  for (const cli::Command& c : commands) {
    if (c.name != args[0]) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const std::string& a : rest) {
      if (a == "--help" || a == "-h") {
        out << c.usage;
        return 0;
      }
    }
    return c.run(rest, cli::Io{out, err});
  }
  err << "redledger: unknown command '" << args[0] << "'\n\n";
  PrintOverview(err, commands);
  return 2;
}

}  // namespace redledger
