// mqadmin: the admin command line, with RocketMQ's sub-command names.
// `mqadmin <command> [-n ADDR] [options]`; `mqadmin help` lists the commands.
#include "admin_commands.h"

#include "common/app_support.h"

#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
  try {
    return mq::apps::run_admin(argc, argv);
  } catch (const std::exception& e) {
    mq::apps::print_error("mqadmin", std::string("fatal: ") + e.what());
    return mq::apps::kExitRuntimeError;
  }
}
