// The three ways of waiting for data (read_mode.h; docs/behaviour.md §17).
#include "ws2sim/cli/read_mode.h"

// The drop-in headers last, after every ws2sim and standard header.
#include <windows.h>
#include <winsock2.h>

namespace ws2sim::cli {

std::string_view to_string(ReadMode mode) noexcept {
  switch (mode) {
    case ReadMode::kRecv:
      return "recv";
    case ReadMode::kOverlapped:
      return "overlapped";
    case ReadMode::kCompletionPort:
      return "completion-port";
  }
  return "?";
}

std::optional<ReadMode> parse_read_mode(std::string_view text) noexcept {
  for (const ReadMode m : {ReadMode::kRecv, ReadMode::kOverlapped, ReadMode::kCompletionPort}) {
    if (to_string(m) == text) return m;
  }
  return std::nullopt;
}

std::string_view wait_call(ReadMode mode) noexcept {
  switch (mode) {
    case ReadMode::kRecv:
      return "recv()";
    case ReadMode::kOverlapped:
      return "WSAGetOverlappedResult()";
    case ReadMode::kCompletionPort:
      return "GetQueuedCompletionStatus()";
  }
  return "?";
}

PendingReader::~PendingReader() {
  if (waitable_ == 0) return;
  if (mode_ == ReadMode::kOverlapped) {
    (void)WSACloseEvent(reinterpret_cast<WSAEVENT>(waitable_));
  } else {
    (void)CloseHandle(reinterpret_cast<HANDLE>(waitable_));
  }
}

Read PendingReader::read(char* buf, int len) {
  const auto s = static_cast<SOCKET>(socket_);
  Read out{std::string(wait_call(mode_)), {}, false};
  if (mode_ == ReadMode::kRecv) {
    const int r = recv(s, buf, len, 0);
    out.outcome = {r, r == SOCKET_ERROR ? WSAGetLastError() : 0, false, std::nullopt};
    return out;
  }
  if (waitable_ == 0) {
    waitable_ = mode_ == ReadMode::kOverlapped
                    ? reinterpret_cast<std::uintptr_t>(WSACreateEvent())
                    : reinterpret_cast<std::uintptr_t>(
                          CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), nullptr, 1, 0));
  }
  WSAOVERLAPPED ov{};
  if (mode_ == ReadMode::kOverlapped) ov.hEvent = reinterpret_cast<WSAEVENT>(waitable_);
  WSABUF b{static_cast<ULONG>(len), buf};
  DWORD bytes = 0;
  DWORD flags = 0;
  if (WSARecv(s, &b, 1, &bytes, &flags, &ov, nullptr) == SOCKET_ERROR &&
      WSAGetLastError() != WSA_IO_PENDING) {
    out.call = "WSARecv()";  // failed at once: nothing is queued
    out.outcome = {SOCKET_ERROR, WSAGetLastError(), false, std::nullopt};
    return out;
  }
  // Pending, or done at once: either way the completion is queued (no skip-on-success here).
  if (mode_ == ReadMode::kOverlapped) {
    auto ev = reinterpret_cast<WSAEVENT>(waitable_);
    (void)WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE);
    (void)WSAResetEvent(ev);
    if (!HasOverlappedIoCompleted(&ov)) {
      out.still_waiting = true;
    } else if (WSAGetOverlappedResult(s, &ov, &bytes, FALSE, &flags)) {
      out.outcome = {static_cast<int>(bytes), 0, false, std::nullopt};
    } else {
      out.outcome = {SOCKET_ERROR, WSAGetLastError(), false,
                     static_cast<std::uint32_t>(ov.Internal)};
    }
  } else {
    ULONG_PTR key = 0;
    OVERLAPPED* done = nullptr;
    const BOOL ok = GetQueuedCompletionStatus(reinterpret_cast<HANDLE>(waitable_), &bytes, &key,
                                              &done, INFINITE);
    const DWORD error = ok ? 0 : GetLastError();
    if (done == nullptr) {
      out.still_waiting = true;
    } else if (ok) {
      out.outcome = {static_cast<int>(bytes), 0, false, std::nullopt};
    } else {
      out.outcome = {FALSE, static_cast<int>(error), true, static_cast<std::uint32_t>(ov.Internal)};
    }
  }
  if (out.still_waiting) {
    // The world's time ran out with the read pending: cancel it before `ov` and `buf` go.
    (void)CancelIo(reinterpret_cast<HANDLE>(s));
    out.outcome = {SOCKET_ERROR, WSAEINTR, false, std::nullopt};
  }
  return out;
}

}  // namespace ws2sim::cli
