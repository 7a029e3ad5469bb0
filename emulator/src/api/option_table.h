// The socket option table: every SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP and IPPROTO_IPV6 option the
// emulator knows, the length rule Windows applies to each (docs/behaviour.md §4, §11) and the
// functions that store and read its value. Not a public header; api/options.cc reads it.
//
//   const OptionSpec* o = find_option_spec(SOL_SOCKET, SO_REUSEADDR);
//   o->length;   // Length::kShort: a 4-byte BOOL that also takes 1 to 3 bytes
#pragma once

#include <cstdint>
#include <optional>

#include "core/call.h"
#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// Length — how setsockopt reads an option's optlen and how getsockopt fills the buffer.
enum class Length : std::uint8_t {
  kBoolean,  // BOOLEAN: one byte under the profile's one-byte rule, else a 4-byte BOOL
  kShort,    // a 4-byte value that takes 1 to 3 bytes as well (the low bytes)
  kDword,    // 4 bytes at least
  kBlob,     // a structure: OptionSpec::get_blob fills the buffer
};

/// ShortBuffer — what getsockopt leaves in a kDword option's buffer of 0 to 3 bytes before it
/// fails with WSAEFAULT (observed; docs/behaviour.md §11).
enum class ShortBuffer : std::uint8_t {
  kUntouched,   // buffer and *optlen as they were
  kZeroBytes,   // the *optlen bytes it has are zeroed
  kZeroLength,  // *optlen is set to 0
};

/// Sockets — the socket types an option exists for (others: WSAENOPROTOOPT).
enum class Sockets : std::uint8_t { kAny, kStream };

/// OptionTarget — the socket an option call acts on.
struct OptionTarget {
  Call& call;
  Host::State& host;
  Socket& sock;
};

/// OptionSpec — one row of the table. A setter checks the socket's state and the value's range,
/// then stores it (0 or a WSA error; nothing changes when it fails). A getter produces the value
/// once the buffer is known to be large enough. `refuse`, if set, is checked before anything
/// else of the option (set: true for setsockopt).
struct OptionSpec {
  int level;
  int name;
  Length length;
  bool boolean;  // any non-zero value is stored as 1
  ShortBuffer short_buffer;
  Sockets sockets;
  const Graded<bool> Profile::*available;  // nullptr: every profile has the option
  int (*refuse)(const OptionTarget&, bool set);
  int (*set)(OptionTarget&, std::uint32_t value);  // nullptr: get-only (WSAENOPROTOOPT)
  std::uint32_t (*get)(OptionTarget&);
  // kBlob: fills optval (room checked by the function itself); 0 or a WSA error.
  int (*get_blob)(OptionTarget&, char* optval, int* optlen);
};

/// find_option_spec — the row for (level, name), or nullptr when Windows has no such option.
const OptionSpec* find_option_spec(int level, int name) noexcept;

/// known_option_level — the levels Windows knows (an unknown level is WSAEINVAL).
bool known_option_level(int level) noexcept;

}  // namespace ws2sim::winsock::detail
