#include "store/pg_tools.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "base/fault.h"
#include "store/db.h"
#include "store/postgres_db.h"

extern char** environ;

namespace tdcs::store {
namespace {

bool IsExecutable(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

// "key='value' …" of every parameter of `uri` but the password, which goes
// to *password (libpq reads PGPASSWORD from the environment).
std::string ConninfoWithoutPassword(const std::string& uri, std::string* password) {
  std::string out;
  ForEachConnectionParameter(uri, "pg_basebackup",
                             [&](std::string_view keyword, const std::string& given) {
                               if (keyword == "password") {
                                 *password = given;
                                 return;
                               }
                               // pg_basebackup connects for replication, to no database.
                               if (keyword == "dbname" || keyword == "replication") return;
                               std::string value;
                               for (char c : given) {
                                 if (c == '\'' || c == '\\') value += '\\';
                                 value += c;
                               }
                               if (!out.empty()) out += ' ';
                               out += std::string(keyword) + "='" + value + "'";
                             });
  return out;
}

}  // namespace

std::string FindPostgresTool(const std::string& name) {
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      const std::string_view folder = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      if (!folder.empty() && IsExecutable(std::filesystem::path(folder) / name))
        return (std::filesystem::path(folder) / name).string();
    }
  }
  std::vector<std::pair<int, std::filesystem::path>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string version = entry.path().filename().string();
    const auto tool = entry.path() / "bin" / name;
    if (!version.empty() && std::all_of(version.begin(), version.end(), ::isdigit) &&
        IsExecutable(tool))
      found.emplace_back(std::stoi(version), tool);
  }
  if (found.empty()) return {};
  return std::max_element(found.begin(), found.end())->second.string();
}

void PostgresBaseBackup(const std::string& uri, const std::string& dir) {
  const std::string tool = FindPostgresTool("pg_basebackup");
  if (tool.empty())
    throw StorageFault(
        "không tìm thấy pg_basebackup (gói postgresql-client) / pg_basebackup not found "
        "(install the postgresql-client package)");
  std::string password;
  const std::string conninfo = ConninfoWithoutPassword(uri, &password);
  std::vector<std::string> args = {tool,
                                   "--dbname=" + conninfo,
                                   "--pgdata=" + dir,
                                   "--format=plain",
                                   "--wal-method=stream",
                                   "--checkpoint=fast",
                                   "--no-password"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment as it is, with the password (if any) as PGPASSWORD.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "PGPASSWORD=", 11) != 0 || password.empty()) env_strings.emplace_back(*e);
  if (!password.empty()) env_strings.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int err[2];
  if (::pipe(err) != 0) throw StorageFault(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(err[0]);
    ::close(err[1]);
    throw StorageFault(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(err[1], STDERR_FILENO);
    ::dup2(err[1], STDOUT_FILENO);
    ::close(err[0]);
    ::close(err[1]);
    ::execve(tool.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(err[1]);
  std::string output;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<size_t>(n));
      if (output.size() > 65536) output.erase(0, output.size() - 65536);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  // pg_basebackup removes what it wrote when it fails; make sure.
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  // Its last lines say why (a refused connection, no replication rights).
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  size_t start = output.size();
  for (int lines = 0; lines < 3 && start != std::string::npos && start > 0; ++lines)
    start = output.rfind('\n', start - 1);
  std::string said = start == std::string::npos ? output : output.substr(start + 1);
  std::replace(said.begin(), said.end(), '\n', ' ');
  if (!password.empty())
    for (size_t pos = said.find(password); pos != std::string::npos; pos = said.find(password))
      said.replace(pos, password.size(), "***");
  throw StorageFault("sao lưu PostgreSQL thất bại / the PostgreSQL base backup failed: " +
                     RedactPassword(said, uri));
}

}  // namespace tdcs::store
