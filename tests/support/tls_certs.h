// A throwaway certificate authority and a server certificate signed by it, made with the
// `openssl` command line tool, for servers started with TLS (rediss://).
//
// The server certificate names 127.0.0.1 and localhost in subjectAltName, so clients can
// verify both the chain (against ca_cert) and the host name. Keys are EC P-256: generating
// them is fast. We write our own OpenSSL config so the host's openssl.cnf cannot change the
// extensions.
#pragma once

#include <filesystem>

namespace crawler::testing {

struct TlsFiles {
  std::filesystem::path ca_cert;
  std::filesystem::path ca_key;
  std::filesystem::path server_cert;
  std::filesystem::path server_key;
};

// Creates `dir` if needed and writes ca.crt, ca.key, server.crt and server.key into it.
// Throws std::runtime_error with openssl's output if a step fails.
TlsFiles generate_tls_files(const std::filesystem::path& dir);

}  // namespace crawler::testing
