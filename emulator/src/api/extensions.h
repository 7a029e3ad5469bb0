// The Microsoft extension functions' hooks into WSAIoctl and setsockopt (api/extensions.cc;
// docs/behaviour.md §17). Not a public header.
#pragma once

#include <cstdint>

#include "core/call.h"

namespace ws2sim::winsock::detail {

/// extension_function — SIO_GET_EXTENSION_FUNCTION_POINTER: the function whose GUID is the
/// `in_size` bytes at `in`, written as a pointer to `out`. 0 or a WSA error (WSAEFAULT for short
/// buffers, WSAEINVAL for a GUID this profile does not know).
int extension_function(const Host::State& host, const void* in, std::uint32_t in_size, void* out,
                       std::uint32_t out_size, std::uint32_t* bytes);

/// is_update_context — SO_UPDATE_ACCEPT_CONTEXT or SO_UPDATE_CONNECT_CONTEXT: options with no
/// value to read back, which setsockopt hands to update_context.
bool is_update_context(int level, int optname) noexcept;

/// update_context — setsockopt of SO_UPDATE_ACCEPT_CONTEXT (optval: the listening socket; the
/// accepted socket takes its properties) or SO_UPDATE_CONNECT_CONTEXT (no value): the socket
/// AcceptEx or ConnectEx connected leaves its default state. 0 or SOCKET_ERROR (last error set).
int update_context(Call& call, int optname, const char* optval, int optlen);

}  // namespace ws2sim::winsock::detail
