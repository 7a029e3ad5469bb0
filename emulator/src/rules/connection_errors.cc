// Close reasons to WSA errors (connection_errors.h).
#include "rules/connection_errors.h"

namespace ws2sim::winsock::detail {

int connection_error(const Host::State& host, CloseReason reason, bool in_progress) {
  switch (reason) {
    case CloseReason::kKeepAliveTimeout: {
      // SO_KEEPALIVE page: calls in progress fail with WSAENETRESET. Later calls: the getsockopt
      // page says WSAENOTCONN, the error-codes page WSAECONNRESET; a profile/host switch picks.
      if (in_progress) {
        return err::kEnetreset;
      }
      const AfterDropError after =
          host.switches.after_drop.value_or(host.profile->after_drop.value);
      return after == AfterDropError::kNotConnected ? err::kEnotconn : err::kEconnreset;
    }
    case CloseReason::kResetByPeer:
      return err::kEconnreset;
    // Error-codes page, WSAECONNABORTED: "possibly due to a data transmission time-out".
    case CloseReason::kRetransmissionTimeout:
      return err::kEconnaborted;
    case CloseReason::kConnectTimeout:
      return err::kEtimedout;
    case CloseReason::kConnectionRefused:
      return err::kEconnrefused;
    case CloseReason::kOrderly:
    case CloseReason::kAborted:
    case CloseReason::kHostRestarted:
      return err::kEnotconn;
  }
  return err::kEnotconn;
}

}  // namespace ws2sim::winsock::detail
