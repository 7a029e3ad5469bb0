// setsockopt and getsockopt: how Windows reads optlen and fills the caller's buffer for each
// length rule of the option table (api/option_table.h; docs/behaviour.md §4, §11), and
// SO_OPENTYPE, which belongs to the calling thread rather than to a socket.
//
// Order of the checks (Windows' order where known, else ours): generic errors (Call), the socket,
// the level (WSAEINVAL), the option (WSAENOPROTOOPT: unknown, missing on the profile, or not for
// this socket type), the option's own refusal, optval/optlen, then the option's state and range
// checks. A failed call changes nothing.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "api/extensions.h"
#include "api/option_table.h"
#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/user_memory.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr int kDwordSize = static_cast<int>(sizeof(DWORD));

// The length rule an option follows on this host: strict-documentation mode and the NT 5 profiles
// read every BOOL as a 4-byte DWORD (docs/behaviour.md §4).
Length rule_of(const Host::State& h, const OptionSpec& o) {
  const bool dword_bools = h.switches.strict_documentation ||
                           h.profile->bool_options.value != BoolOptionRule::kOneByteBoolean;
  if (o.length == Length::kBoolean && dword_bools) {
    return Length::kDword;
  }
  if (o.length == Length::kShort && h.switches.strict_documentation) {
    return Length::kDword;
  }
  return o.length;
}

// The low `n` bytes of optval as a little-endian number (n <= 4).
std::uint32_t low_bytes(const char* optval, int n) {
  std::uint32_t v = 0;
  std::memcpy(&v, optval, static_cast<std::size_t>(n));
  return v;
}

// Reads a setsockopt value by the option's length rule; 0 or a WSA error.
int read_value(const Host::State& h, const OptionSpec& o, const char* optval, int optlen,
               std::uint32_t* out) {
  if (bad_user_pointer(optval)) {
    return WSAEFAULT;
  }
  const Length rule = rule_of(h, o);
  const bool socket_level = o.level == SOL_SOCKET;
  // A negative optlen is a huge unsigned length from Vista on: room enough for a 4-byte
  // SOL_SOCKET value; one-byte options and the other levels refuse it (docs/behaviour.md §4).
  const bool unsigned_length =
      h.profile->negative_optlen_unsigned.value && !h.switches.strict_documentation;
  std::uint32_t v = 0;
  if (optlen < 0) {
    if (rule == Length::kBoolean || (unsigned_length && !socket_level)) {
      return h.profile->optlen_minus_one_error.value;
    }
    if (!unsigned_length) {
      return WSAEFAULT;
    }
    v = low_bytes(optval, kDwordSize);
  } else if (rule == Length::kBoolean) {
    if (optlen == 0) {
      return WSAEFAULT;
    }
    v = low_bytes(optval, 1);  // only the first byte counts: 0x100 is FALSE
  } else if (rule == Length::kShort) {
    // SOL_SOCKET takes an empty value as 0; the IP levels want a byte at least (observed).
    if (optlen == 0 && !socket_level) {
      return WSAEFAULT;
    }
    v = low_bytes(optval, std::min(optlen, kDwordSize));
  } else {
    if (optlen < kDwordSize) {
      return WSAEFAULT;  // sizeof(DWORD) == sizeof(struct linger)
    }
    v = low_bytes(optval, kDwordSize);
  }
  *out = o.boolean ? (v != 0 ? 1 : 0) : v;
  return 0;
}

// Writes `value` to a getsockopt buffer of *optlen bytes by the option's length rule; 0, or
// WSAEFAULT with the buffer and *optlen as Windows leaves them.
int write_value(const Host::State& h, const OptionSpec& o, std::uint32_t value, char* optval,
                int* optlen) {
  const Length rule = rule_of(h, o);
  if (rule == Length::kBoolean || rule == Length::kShort) {
    if (*optlen <= 0) {
      return WSAEFAULT;
    }
    if (rule == Length::kShort && *optlen >= kDwordSize) {
      std::memcpy(optval, &value, sizeof value);
      *optlen = kDwordSize;
      return 0;
    }
    // One byte reported; a SOL_SOCKET BOOL writes a second one when there is room (observed).
    const int written = rule == Length::kShort && o.level == SOL_SOCKET ? std::min(*optlen, 2) : 1;
    std::memcpy(optval, &value, static_cast<std::size_t>(written));
    *optlen = 1;
    return 0;
  }
  if (*optlen < kDwordSize) {
    if (*optlen >= 0 && o.short_buffer == ShortBuffer::kZeroBytes) {
      std::memset(optval, 0, static_cast<std::size_t>(*optlen));
    } else if (*optlen >= 0 && o.short_buffer == ShortBuffer::kZeroLength) {
      *optlen = 0;
    }
    return WSAEFAULT;
  }
  std::memcpy(optval, &value, sizeof value);
  *optlen = kDwordSize;
  return 0;
}

// The option for (level, name) on this socket; 0 or a WSA error.
int find_option(const OptionTarget& t, int level, int name, bool set, const OptionSpec** out) {
  if (!known_option_level(level)) {
    return WSAEINVAL;
  }
  const OptionSpec* o = find_option_spec(level, name);
  if (o == nullptr || (o->available != nullptr && !(t.host.profile->*(o->available)).value) ||
      (o->sockets == Sockets::kStream && t.sock.type != SOCK_STREAM)) {
    return WSAENOPROTOOPT;
  }
  if (o->refuse != nullptr) {
    if (const int e = o->refuse(t, set); e != 0) {
      return e;
    }
  }
  *out = o;
  return 0;
}

// ---- SO_OPENTYPE: the calling thread's default for socket() (mswsock.h) ------------------------

bool is_opentype(int level, int optname) {
  return level == SOL_SOCKET && optname == SO_OPENTYPE;
}

// Needs no socket (any handle, INVALID_SOCKET included) and reads lengths as unsigned, so -1 is
// room enough (observed: getsockopt with *optlen -1 succeeds and sets it to 4).
int set_opentype(const char* optval, int optlen) {
  if (!Call::winsock()) {
    return SOCKET_ERROR;
  }
  if (bad_user_pointer(optval) || static_cast<unsigned>(optlen) < sizeof(DWORD)) {
    return fail(WSAEFAULT);
  }
  thread_state().opentype = low_bytes(optval, kDwordSize);
  return 0;
}

int get_opentype(char* optval, int* optlen) {
  if (!Call::winsock()) {
    return SOCKET_ERROR;
  }
  if (bad_user_pointer(optval) || bad_user_pointer(optlen) ||
      static_cast<unsigned>(*optlen) < sizeof(DWORD)) {
    return fail(WSAEFAULT);
  }
  const std::uint32_t v = thread_state().opentype;
  std::memcpy(optval, &v, sizeof v);
  *optlen = kDwordSize;
  return 0;
}

}  // namespace

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen) {
  if (is_opentype(level, optname)) {
    return set_opentype(optval, optlen);
  }
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  call->backend().refresh(call->host(), call->sock());
  if (is_update_context(level, optname)) {
    return update_context(*call, optname, optval, optlen);
  }
  OptionTarget t{*call, call->host(), call->sock()};
  const OptionSpec* opt = nullptr;
  if (const int e = find_option(t, level, optname, /*set=*/true, &opt); e != 0) {
    return fail(e);
  }
  if (opt->set == nullptr) {
    return fail(WSAENOPROTOOPT);
  }
  std::uint32_t value = 0;
  if (const int e = read_value(t.host, *opt, optval, optlen, &value); e != 0) {
    return fail(e);
  }
  if (const int e = opt->set(t, value); e != 0) {
    return fail(e);
  }
  return 0;
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen) {
  if (is_opentype(level, optname)) {
    return get_opentype(optval, optlen);
  }
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  call->backend().refresh(call->host(), call->sock());
  OptionTarget t{*call, call->host(), call->sock()};
  const OptionSpec* opt = nullptr;
  if (const int e = find_option(t, level, optname, /*set=*/false, &opt); e != 0) {
    return fail(e);
  }
  if (bad_user_pointer(optval) || bad_user_pointer(optlen)) {
    return fail(WSAEFAULT);
  }
  if (opt->length == Length::kBlob) {
    const int e = opt->get_blob(t, optval, optlen);
    return e == 0 ? 0 : fail(e);
  }
  if (const int e = write_value(t.host, *opt, opt->get(t), optval, optlen); e != 0) {
    return fail(e);
  }
  return 0;
}
