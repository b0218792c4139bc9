#include <pwd.h>
#include <unistd.h>

#include <string>

#include "base/clock.h"
#include "cli/command_line.h"

namespace tdcs::cli {

app::Context OperatorContext() {
  app::Context context;
  std::string user = "unknown";
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr)
    user = pw->pw_name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  context.actor.login = "os:" + user;
  context.actor.role = "admin";
  context.actor.scope = "national";
  context.origin =
      std::string("cli ") + (host[0] ? host : "localhost") + " pid " + std::to_string(getpid());
  context.now_micros = SystemClock().NowMicros();
  return context;
}

}  // namespace tdcs::cli
