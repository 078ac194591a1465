// Entry point of `sf`, scopeflow's command-line tool: one CLI11 subcommand per feature.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "scopeflow/base/error.h"
#include "sf.h"

int main(int argc, char** argv) {
  using scopeflow::tools::Command;

  CLI::App app{"sf: scopeflow's command-line tool (TensorFlow 1.15 graph-mode naming in C++).",
               "sf"};
  app.require_subcommand(1);

  // Each subcommand registers itself here.
  std::vector<Command> commands;
  commands.push_back(scopeflow::tools::add_demo_command(app));
  commands.push_back(scopeflow::tools::add_view_command(app));
  commands.push_back(scopeflow::tools::add_inspect_command(app));
  commands.push_back(scopeflow::tools::add_ckpt_command(app));
  // After the subcommands, which would otherwise inherit it.
  app.footer("Run 'sf <command> --help' for a command's options.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Without a recognised command CLI11 only says "A subcommand is required"; name the word
    // it did not recognise and list the commands instead.
    // (--help is a ParseError too, with exit code 0.)
    if (app.get_subcommands().empty() && e.get_exit_code() != 0) {
      const std::vector<std::string> rest = app.remaining();
      std::cerr << "sf: ";
      if (rest.empty())
        std::cerr << "a command is required";
      else if (rest.front().starts_with("-"))
        std::cerr << "unknown option '" << rest.front() << "'";
      else
        std::cerr << "unknown command '" << rest.front() << "'";
      std::cerr << " (commands:";
      for (const Command& c : commands) std::cerr << ' ' << c.app->get_name();
      std::cerr << "). Run 'sf --help' for usage.\n";
      return e.get_exit_code();
    }
    return app.exit(e);
  }

  for (const Command& c : commands) {
    if (!c.app->parsed()) continue;
    try {
      return c.run();
    } catch (const scopeflow::Error& e) {
      std::cerr << "sf " << c.app->get_name() << ": error (" << scopeflow::code_name(e.code())
                << "): " << e.what() << '\n';
    } catch (const std::exception& e) {
      std::cerr << "sf " << c.app->get_name() << ": error: " << e.what() << '\n';
    }
    return 1;
  }
  return 0;  // unreachable: require_subcommand(1) makes parse() fail without one
}
