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
};

constexpr int kWsaEinval = 10022;
constexpr int kWsaEopnotsupp = 10045;
constexpr int kWsaEconnreset = 10054;
constexpr int kWsaEtimedout = 10060;
constexpr int kWsaOperationAborted = 995;

constexpr Pair kPairs[] = {
    {kStatusNotSupported, kWsaEopnotsupp},    {kStatusIoTimeout, kWsaEtimedout},
    {kStatusConnectionReset, kWsaEconnreset}, {kStatusCancelled, kWsaOperationAborted},
    {kStatusInvalidParameter, kWsaEinval},
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
