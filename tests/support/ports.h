// TCP port helpers: pick a free port for a server, and check whether something listens.
//
// free_port() asks the kernel for an ephemeral port and releases it, so another process may
// grab it before our server binds it; servers therefore retry with a new port when binding
// fails at first start.
#pragma once

namespace crawler::testing {

// A port on 127.0.0.1 that was free a moment ago. Throws std::runtime_error on failure.
int free_port();
// True if a TCP connection to 127.0.0.1:port is accepted right now.
bool port_is_listening(int port);

}  // namespace crawler::testing
