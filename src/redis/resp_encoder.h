// Encoding of commands for the wire: a RESP2 array of bulk strings,
// e.g. {"SET", "k", "v"} -> "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".
//
// Design: always the bulk-string form (never the "inline" command form), because it is
// binary-safe — keys and values may hold spaces, CRLF or NULs. The append_ variants
// write into a caller's buffer so a pipeline of many commands is built in one string and
// sent with one write.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace crawler::redis {

void append_command(std::string& out, std::span<const std::string_view> args);
void append_command(std::string& out, std::span<const std::string> args);

std::string encode_command(std::span<const std::string_view> args);
std::string encode_command(std::span<const std::string> args);
std::string encode_command(std::initializer_list<std::string_view> args);

}  // namespace crawler::redis
