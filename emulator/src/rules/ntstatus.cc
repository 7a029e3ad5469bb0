// NTSTATUS <-> Winsock error for completed overlapped operations (rules/ntstatus.h). The pairs
// are the ones Windows-run tests observe (Wine's WSAGetOverlappedResult and completion-routine
// tests; docs/behaviour.md §12).
#include "rules/ntstatus.h"

#include <iterator>

namespace ws2sim::winsock::detail {
namespace {

struct Pair {
  std::uint32_t status;
  int wsa_error;
  std::uint32_t win32_error;  // RtlNtStatusToDosError's answer
};

constexpr int kWsaEinval = 10022;
constexpr int kWsaEopnotsupp = 10045;
constexpr int kWsaEconnreset = 10054;
constexpr int kWsaEtimedout = 10060;
constexpr int kWsaOperationAborted = 995;
constexpr int kWsaEconnrefused = 10061;
constexpr int kWsaEhostunreach = 10065;

constexpr std::uint32_t kErrorNotSupported = 50;
constexpr std::uint32_t kErrorNetnameDeleted = 64;
constexpr std::uint32_t kErrorInvalidParameter = 87;
constexpr std::uint32_t kErrorSemTimeout = 121;
constexpr std::uint32_t kErrorOperationAborted = 995;
constexpr std::uint32_t kErrorConnectionRefused = 1225;
constexpr std::uint32_t kErrorHostUnreachable = 1232;

constexpr Pair kPairs[] = {
    {kStatusNotSupported, kWsaEopnotsupp, kErrorNotSupported},
    {kStatusIoTimeout, kWsaEtimedout, kErrorSemTimeout},
    {kStatusConnectionReset, kWsaEconnreset, kErrorNetnameDeleted},
    {kStatusCancelled, kWsaOperationAborted, kErrorOperationAborted},
    {kStatusInvalidParameter, kWsaEinval, kErrorInvalidParameter},
    {kStatusConnectionRefused, kWsaEconnrefused, kErrorConnectionRefused},
    {kStatusHostUnreachable, kWsaEhostunreach, kErrorHostUnreachable},
};

}  // namespace

int wsa_error_of_status(std::uint64_t status) noexcept {
  if (status == kStatusSuccess) {
    return 0;
  }
  for (const Pair& p : kPairs) {
    if (p.status == status) {
      return p.wsa_error;
    }
  }
  return kWsaEinval;  // a status this table does not know: the generic "invalid argument"
}

std::uint32_t win32_error_of_status(std::uint64_t status) noexcept {
  if (status == kStatusSuccess) {
    return 0;
  }
  for (const Pair& p : kPairs) {
    if (p.status == status) {
      return p.win32_error;
    }
  }
  return kErrorInvalidParameter;
}

std::uint32_t status_of_close_reason(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::kKeepAliveTimeout:
    case CloseReason::kRetransmissionTimeout:
    case CloseReason::kConnectTimeout:
      return kStatusIoTimeout;
    default:
      return kStatusConnectionReset;
  }
}

std::uint32_t status_of_wsa_error(int wsa_error) noexcept {
  if (wsa_error == 0) {
    return kStatusSuccess;
  }
  for (const Pair& p : kPairs) {
    if (p.wsa_error == wsa_error) {
      return p.status;
    }
  }
  return kStatusInvalidParameter;
}

}  // namespace ws2sim::winsock::detail
