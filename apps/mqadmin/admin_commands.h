// mqadmin's sub-commands. Each prints its result on stdout and returns the process exit code
// (0 fine, 1 the server refused or could not be reached, 2 bad usage).
#pragma once

namespace mq::apps {

int run_admin(int argc, char** argv);

}  // namespace mq::apps
