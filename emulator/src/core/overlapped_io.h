// Overlapped socket operations (docs/behaviour.md §17): how one ends — OVERLAPPED.Internal and
// InternalHigh written, then the event set, the completion routine queued to the thread that
// started it, or a packet queued to the socket's completion port — and the receives that wait
// for data. Not a public header.
//
// An overlapped WSARecv that cannot complete at once becomes a PendingIo of its host. The engine
// sweeps the hosts it looks at before their blocked calls (backend/virtual_time.cc), as it does
// for WSAEventSelect: a pending receive completes in the sweep that first finds data, the end of
// the stream or the end of the connection, so a keep-alive drop completes it at the drop's
// instant with STATUS_IO_TIMEOUT. closesocket, CancelIo and CancelIoEx complete pending ones with
// STATUS_CANCELLED.
//
//   PendingIo io{...};
//   if (!start_io(host, std::move(io), /*try_now=*/true)) return fail(WSA_IO_PENDING);
#pragma once

#include <cstdint>
#include <vector>

#include "core/host_state.h"
#include "core/pending_io.h"

namespace ws2sim::winsock::detail {

/// current_issuer — the calling thread, as an Issuer.
Issuer current_issuer() noexcept;

/// routine_of — a Winsock completion routine as the CompletionRoutine an Apc calls (the same
/// function: its DWORD and pointer parameters are the Apc's).
template <typename Routine>
CompletionRoutine routine_of(Routine r) noexcept {
  return reinterpret_cast<CompletionRoutine>(reinterpret_cast<void (*)()>(r));
}

/// complete_io — ends an overlapped operation on socket `s` with `status` and `bytes`: the
/// OVERLAPPED's Internal/InternalHigh, then the completion routine queued to `issuer`, or the
/// event set and a packet queued to the socket's port (none when `s` is null: closed). `at_once`:
/// the call that started it returns success now (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS then skips
/// the packet). `wake`: wake the host's blocked calls (a running call's completion; the engine's
/// sweep looks at them itself).
void complete_io(Host::State& host, const Socket* s, void* overlapped, CompletionRoutine routine,
                 const Issuer& issuer, std::uint32_t status, std::uint32_t bytes, bool at_once,
                 bool wake);

/// try_complete — completes `io` if what it waits for happened (a receive: data, the end of the
/// stream or of the connection; AcceptEx: a connection, then its first data if it asked for
/// data; ConnectEx: the end of the handshake); false if it must wait (`io` may have advanced,
/// e.g. AcceptEx took its connection). `at_once` and `wake` as for complete_io. World lock held.
bool try_complete(Host::State& host, PendingIo& io, bool at_once, bool wake);

/// start_io — an overlapped call's operation begins: its OVERLAPPED reads STATUS_PENDING; it
/// completes at once if `try_now` and it can (true), else it waits for the engine's sweeps.
bool start_io(Host::State& host, PendingIo io, bool try_now);

/// sweep_pending_io — try_complete for every pending operation of `host` (socket by socket, in
/// handle order; each socket's in the order they were started). True if any completed.
bool sweep_pending_io(Host::State& host);

/// sweep_pending_io_of — the same for the operations that wait on socket `s`: its own, and an
/// AcceptEx's that gave `s` its connection and waits for its first data.
bool sweep_pending_io_of(Host::State& host, SocketHandle s);

/// cancel_io — completes the pending operations of socket `s` (an AcceptEx's listener or accept
/// socket) with STATUS_CANCELLED: all of them, or only the one with OVERLAPPED `only`
/// (CancelIoEx), or only those `issuer` started (CancelIo). How many were cancelled.
std::size_t cancel_io(Host::State& host, SocketHandle s, const void* only, const Issuer* issuer);

/// post_packet — queues `packet` to the completion port `port` of `host`; false if `port` is not
/// one of the host's ports (any more).
bool post_packet(Host::State& host, std::uintptr_t port, const CompletionPacket& packet);

}  // namespace ws2sim::winsock::detail
