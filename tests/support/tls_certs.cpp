// Three openssl invocations: self-signed CA, server key + CSR, CA-signed server certificate.
#include "support/tls_certs.h"

#include <string>
#include <vector>

#include "support/files.h"
#include "support/subprocess.h"
#include "support/tool_paths.h"

namespace crawler::testing {
namespace {

constexpr const char* kOpensslConfig = R"(# written by the crawler test harness
[req]
distinguished_name = dn
prompt = no
[dn]
CN = crawler test
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
)";

void openssl(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), openssl_program());
  SpawnOptions options{.argv = std::move(args),
                       .env = {{"OPENSSL_CONF", (dir / "openssl.cnf").string()}},
                       .working_dir = dir};
  run_checked(std::move(options));
}

}  // namespace

TlsFiles generate_tls_files(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  write_file(dir / "openssl.cnf", kOpensslConfig);
  TlsFiles files{dir / "ca.crt", dir / "ca.key", dir / "server.crt", dir / "server.key"};
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt",
                                           "ec_paramgen_curve:prime256v1", "-nodes"};

  std::vector<std::string> ca = {"req",         "-x509", "-config", "openssl.cnf",
                                 "-extensions", "v3_ca", "-subj",   "/CN=crawler test CA",
                                 "-days",       "7"};
  ca.insert(ca.end(), ec_key.begin(), ec_key.end());
  ca.insert(ca.end(), {"-keyout", files.ca_key.string(), "-out", files.ca_cert.string()});
  openssl(dir, ca);

  std::vector<std::string> csr = {"req",         "-new",  "-config",
                                  "openssl.cnf", "-subj", "/CN=localhost"};
  csr.insert(csr.end(), ec_key.begin(), ec_key.end());
  csr.insert(csr.end(), {"-keyout", files.server_key.string(), "-out", "server.csr"});
  openssl(dir, csr);

  openssl(dir, {"x509", "-req", "-in", "server.csr", "-CA", files.ca_cert.string(), "-CAkey",
                files.ca_key.string(), "-CAcreateserial", "-days", "7", "-extfile", "openssl.cnf",
                "-extensions", "v3_server", "-out", files.server_cert.string()});
  return files;
}

}  // namespace crawler::testing
