// ws2sim/cli/read_mode.h — how a program waits for data on its connection, and what that wait
// returns when the connection ends (docs/behaviour.md §2, §17).
//
// A blocking recv() fails with WSAENETRESET when keep-alive drops the connection; an overlapped
// WSARecv pending at that instant completes with STATUS_IO_TIMEOUT instead, which
// WSAGetOverlappedResult reports as WSAETIMEDOUT and GetQueuedCompletionStatus as
// ERROR_SEM_TIMEOUT. Scenarios (a connection's "read") and `ws2sim detect --read` choose one.
//
//   PendingReader reader(socket, ReadMode::kCompletionPort);
//   Read r = reader.read(buf, sizeof buf);   // blocks in GetQueuedCompletionStatus
//   r.call;                                   // "GetQueuedCompletionStatus()"
//   error_text(r.outcome);                    // "ERROR_SEM_TIMEOUT (121), STATUS_IO_TIMEOUT"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ws2sim/cli/winsock_calls.h"

namespace ws2sim::cli {

/// ReadMode — the three shapes of reading code.
enum class ReadMode : std::uint8_t {
  kRecv,            ///< a blocking recv()
  kOverlapped,      ///< an overlapped WSARecv with an event, then WSAGetOverlappedResult
  kCompletionPort,  ///< an overlapped WSARecv on a completion port, GetQueuedCompletionStatus
};

/// The name in scenarios and options: "recv", "overlapped", "completion-port".
std::string_view to_string(ReadMode mode) noexcept;
/// The inverse of to_string (exact spelling).
std::optional<ReadMode> parse_read_mode(std::string_view text) noexcept;
/// The wait a mode reports, with parentheses: "recv()", "WSAGetOverlappedResult()",
/// "GetQueuedCompletionStatus()".
std::string_view wait_call(ReadMode mode) noexcept;

/// Read — what one read returned: the call that said so (the wait, or WSARecv() when the read
/// failed at once), its outcome, and whether it was still waiting when the world's time ran
/// out (then cancelled).
struct Read {
  std::string call;
  CallOutcome outcome;
  bool still_waiting = false;
};

/// PendingReader — reads one socket of the calling thread's host in one mode. Owns the event or
/// completion port it waits on (made on the first read).
class PendingReader {
 public:
  PendingReader(std::uintptr_t socket, ReadMode mode) noexcept : socket_(socket), mode_(mode) {}
  ~PendingReader();
  PendingReader(const PendingReader&) = delete;
  PendingReader& operator=(const PendingReader&) = delete;

  /// PendingReader::read — one read of up to `len` bytes into `buf`, waiting until it completes.
  /// outcome.result is the byte count (0: the peer closed) or, failed, SOCKET_ERROR (FALSE for
  /// GetQueuedCompletionStatus) with the error.
  Read read(char* buf, int len);

  [[nodiscard]] ReadMode mode() const noexcept { return mode_; }

 private:
  std::uintptr_t socket_;
  ReadMode mode_;
  std::uintptr_t waitable_ = 0;  // the event or the completion port, once made
};

}  // namespace ws2sim::cli
